package io.impetus.worker.child;

import io.impetus.core.bundle.CodeBundle;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a code bundle's classes, bundle first: a class the bundle holds is always the bundle's
 * own, even when the worker's classpath has another version of it, so jobs forked from an old
 * build keep running old code. Jars in the bundle come next, then the worker's classpath.
 */
final class BundleClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final CodeBundle bundle;

    private BundleClassLoader(CodeBundle bundle, URL[] jars, ClassLoader parent) {
        super("bundle-" + bundle.id().substring(0, 12), jars, parent);
        this.bundle = bundle;
    }

    static BundleClassLoader of(CodeBundle bundle, Path scratch, ClassLoader parent) throws IOException {
        List<URL> jars = new ArrayList<>();
        for (String path : bundle.paths()) {
            if (path.startsWith(CodeBundle.LIB_PREFIX)) {
                Path jar = scratch.resolve(bundle.id()).resolve(path.substring(CodeBundle.LIB_PREFIX.length()));
                Files.createDirectories(jar.getParent());
                Files.write(jar, bundle.entry(path));
                try {
                    jars.add(jar.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IOException(e);
                }
            }
        }
        return new BundleClassLoader(bundle, jars.toArray(URL[]::new), parent);
    }

    /** Whether {@code className} comes from the bundle itself (not a jar, not the classpath). */
    boolean holds(String className) {
        return bundle.paths().contains(className.replace('.', '/') + ".class");
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null && holds(name)) {
                byte[] bytes = bundle.entry(name.replace('.', '/') + ".class");
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (c == null) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException notInJars) {
                    c = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }
}
