package io.impetus.client.internal;

import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Builds the code bundle of a job class: the top-level class that declares it and all its
 * nested, inner, anonymous and lambda-holding classes ({@code Top$*.class}), read from wherever
 * the class was loaded (a folder or a jar), plus any jars the client adds.
 */
public final class BundleBuilder {
    private BundleBuilder() {
    }

    public static CodeBundle build(Class<?> declaring, Map<String, byte[]> extraJars) {
        Class<?> top = declaring;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        Map<String, byte[]> entries = new TreeMap<>();
        String simple = top.getName().substring(top.getName().lastIndexOf('.') + 1);
        String packagePath = top.getPackageName().replace('.', '/');
        String prefix = packagePath.isEmpty() ? simple : packagePath + "/" + simple;
        URL own = top.getResource(simple + ".class");
        if (own == null) {
            throw new ImpetusException("cannot find the class file of " + top.getName() + " to ship it to the nodes");
        }
        try {
            if ("file".equals(own.getProtocol())) {
                Path file = Path.of(own.toURI());
                try (DirectoryStream<Path> siblings = Files.newDirectoryStream(file.getParent(), simple + "*.class")) {
                    for (Path p : siblings) {
                        String name = p.getFileName().toString();
                        if (name.equals(simple + ".class") || name.startsWith(simple + "$")) {
                            entries.put((packagePath.isEmpty() ? "" : packagePath + "/") + name, Files.readAllBytes(p));
                        }
                    }
                }
            } else if ("jar".equals(own.getProtocol())) {
                JarURLConnection conn = (JarURLConnection) own.openConnection();
                conn.setUseCaches(false);
                try (JarFile jar = conn.getJarFile()) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        String n = entry.getName();
                        if (n.equals(prefix + ".class") || (n.startsWith(prefix + "$") && n.endsWith(".class"))) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                entries.put(n, in.readAllBytes());
                            }
                        }
                    }
                }
            } else {
                try (InputStream in = own.openStream()) {
                    entries.put(prefix + ".class", in.readAllBytes());
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new ImpetusException("cannot read the class files of " + top.getName() + ": " + e, e);
        }
        extraJars.forEach((name, bytes) -> entries.put(CodeBundle.LIB_PREFIX + name, bytes));
        return CodeBundle.of(entries);
    }
}
