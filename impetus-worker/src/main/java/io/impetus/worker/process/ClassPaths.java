package io.impetus.worker.process;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class path a node hands its workers: this JVM's, every entry absolute, with the entries of a
 * manifest-only jar spelled out. Test runners (Maven Surefire and Failsafe, IDEs) start a JVM on
 * one jar whose manifest {@code Class-Path} names the real class path; a worker started on that
 * jar would work, but the node could not see that it runs on folders of classes, which its class
 * archive cannot hold.
 */
final class ClassPaths {
    private ClassPaths() {
    }

    /** This JVM's class path, absolute, manifest class paths spelled out. */
    static String ofThisJvm() {
        return expand(WorkerProcess.absoluteClassPath(System.getProperty("java.class.path")));
    }

    /** {@code classPath} (absolute entries) with each jar's manifest {@code Class-Path} entries after it. */
    static String expand(String classPath) {
        Set<String> out = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            out.add(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                out.addAll(manifestClassPath(Path.of(entry)));
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static List<String> manifestClassPath(Path jar) {
        List<String> entries = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (value == null || value.isBlank()) {
                return entries;
            }
            URI base = jar.toAbsolutePath().getParent().toUri();
            for (String item : value.trim().split("\\s+")) {
                try {
                    entries.add(Path.of(base.resolve(new URI(item))).normalize().toString());
                } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
                    // an entry the JVM could not read either: left out, as the JVM leaves it out
                }
            }
        } catch (IOException e) {
            // not a jar after all: the entry stays as it is
        }
        return entries;
    }
}
