package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client API is what users read: every public type and member of it has Javadoc, and the Javadoc is valid. */
class PublicApiDocsTest {
    @Test
    void everyPublicTypeAndMemberOfTheClientApiHasJavadoc(@TempDir Path out) throws Exception {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> sources;
        try (var files = Files.list(Path.of("src/main/java/io/impetus/client"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        try (StandardJavaFileManager fm = javadoc.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-Xdoclint:all", "-Xmaxwarns", "100000", "-Xmaxerrs", "100000", "-quiet", "-d", out.toString(), "-classpath",
                    System.getProperty("java.class.path"));
            boolean ok = javadoc.getTask(new StringWriter(), fm, diagnostics, null, options,
                    fm.getJavaFileObjectsFromPaths(sources)).call();
            List<String> missing = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                String where = (d.getSource() == null ? "?" : Path.of(d.getSource().getName()).getFileName()) + ":"
                        + d.getLineNumber() + " " + d.getMessage(Locale.ROOT);
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    errors.add(where);
                } else if (d.getMessage(Locale.ROOT).contains("no comment")) {
                    missing.add(where);
                }
            }
            assertThat(errors).as("javadoc errors").isEmpty();
            assertThat(ok).isTrue();
            assertThat(missing).as("public types and members without Javadoc").isEmpty();
        }
    }
}
