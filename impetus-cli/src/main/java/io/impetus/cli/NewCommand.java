package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code impetus new DIR [--package P]}: writes a standalone Maven project that uses Impetus from
 * the installed artifacts: a client with a job function and stages, a unit test of the function,
 * an end-to-end test through the test kit, a README and a runnable jar.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Writes a new Maven project that uses Impetus: a pom importing impetus-bom, a client with a"
                + " job function and stages, a unit test, an end-to-end test through the test kit (impetus-test),"
                + " a README and a runnable jar.",
                "It builds against the installed Impetus artifacts: run './impetus install' first."})
final class NewCommand implements Callable<Integer> {
    static final String TEMPLATE = "/io/impetus/cli/template/";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern ARTIFACT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits",
            "non-sealed", "_");

    @Parameters(index = "0", paramLabel = "DIR", description = "the new project's folder (must not exist, or be empty)")
    Path dir;

    @Option(names = "--package", paramLabel = "P",
            description = "the Java package of its classes (default: com.example.<DIR's name>)")
    String packageName;

    @Option(names = "--group-id", paramLabel = "G", description = "its Maven groupId (default: the package)")
    String groupId;

    @Option(names = "--artifact-id", paramLabel = "A", description = "its Maven artifactId (default: DIR's name)")
    String artifactId;

    @Option(names = "--spring-boot", description = "a Spring Boot application instead: a REST endpoint that forks a job"
            + " through the starter's Impetus bean, a unit test, an end-to-end test through the test kit")
    boolean springBoot;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String name = dir.toAbsolutePath().normalize().getFileName() == null ? "app"
                : dir.toAbsolutePath().normalize().getFileName().toString();
        String artifact = artifactId != null ? artifactId : name.toLowerCase(Locale.ROOT);
        if (!ARTIFACT.matcher(artifact).matches()) {
            throw new InvalidPropertyException("artifact-id", "'" + artifact + "' is not a Maven artifactId (letters,"
                    + " digits, '.', '_' and '-'); name the folder so, or give --artifact-id");
        }
        String pkg = packageName != null ? packageName : defaultPackage(name);
        checkPackage(pkg);
        String group = groupId != null ? groupId : pkg;
        if (!ARTIFACT.matcher(group).matches()) {
            throw new InvalidPropertyException("group-id", "'" + group + "' is not a Maven groupId");
        }
        if (Files.exists(dir) && !(Files.isDirectory(dir) && isEmpty(dir))) {
            throw new InvalidPropertyException("dir", dir + " exists and is not an empty folder; 'impetus new'"
                    + " writes only into a new one");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Properties versions = versions();
        for (String key : versions.stringPropertyNames()) {
            values.put(key, versions.getProperty(key));
        }
        values.put("package", pkg);
        values.put("groupId", group);
        values.put("artifactId", artifact);
        List<Path> written = new ArrayList<>();
        String template = springBoot ? "spring/" : "";
        for (String[] entry : files(template)) {
            Path target = dir.resolve(entry[1].replace("PACKAGE", pkg.replace('.', '/')));
            Files.createDirectories(target.getParent());
            Files.writeString(target, fill(read(template + entry[0]), values), StandardCharsets.UTF_8);
            written.add(target);
        }
        var out = spec.commandLine().getOut();
        out.printf("impetus new: wrote %s (%s:%s, package %s, Impetus %s%s):%n", dir, group, artifact, pkg,
                values.get("version"), springBoot ? ", Spring Boot " + values.get("spring-boot.version") : "");
        for (Path p : written) {
            out.println("  " + dir.relativize(p));
        }
        out.printf("next: cd %s && mvn verify   (the Impetus artifacts must be installed: ./impetus install)%n", dir);
        return 0;
    }

    static String defaultPackage(String folder) {
        String last = folder.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
        if (last.isEmpty() || !Character.isJavaIdentifierStart(last.charAt(0)) || KEYWORDS.contains(last)) {
            last = "app" + last;
        }
        return "com.example." + last;
    }

    static void checkPackage(String pkg) {
        for (String part : pkg.split("\\.", -1)) {
            if (!IDENTIFIER.matcher(part).matches() || KEYWORDS.contains(part)) {
                throw new InvalidPropertyException("package", "'" + pkg + "' is not a Java package name ('" + part
                        + "' is not an identifier); e.g. --package com.example.jobs");
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** {@code @@key@@} replaced by its value; an unknown key is a bug in the template. */
    static String fill(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int start = text.indexOf("@@", at);
            if (start < 0) {
                return out.append(text, at, text.length()).toString();
            }
            int end = text.indexOf("@@", start + 2);
            if (end < 0) {
                throw new IllegalStateException("unclosed @@ in the project template");
            }
            String key = text.substring(start + 2, end);
            String value = values.get(key);
            if (value == null) {
                throw new IllegalStateException("the project template names @@" + key + "@@, which has no value");
            }
            out.append(text, at, start).append(value);
            at = end + 2;
        }
    }

    private static List<String[]> files(String template) throws IOException {
        List<String[]> files = new ArrayList<>();
        for (String line : read(template + "files.txt").split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                files.add(l.split("\\s+", 2));
            }
        }
        return files;
    }

    private static String read(String name) throws IOException {
        try (InputStream in = NewCommand.class.getResourceAsStream(TEMPLATE + name)) {
            if (in == null) {
                throw new IOException("the project template has no " + name + " (a broken build of impetus-cli)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Properties versions() throws IOException {
        Properties p = new Properties();
        try (InputStream in = NewCommand.class.getResourceAsStream("/impetus-version.properties")) {
            if (in == null) {
                throw new IOException("no impetus-version.properties (a broken build of impetus-cli)");
            }
            p.load(in);
        }
        return p;
    }
}
