package io.impetus.core.bundle;

import io.impetus.core.codec.LimitExceededException;
import io.impetus.core.codec.Limits;
import io.impetus.core.error.CodecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The code a job needs: class files by resource path ({@code com/example/Hello.class}) and
 * optional jars ({@code lib/extra.jar}). Identified by the SHA-256 of its canonical content
 * (entries sorted by path, each as path, length and bytes), so the same classes always give the
 * same id, whatever order they were added in or how they were zipped. Immutable.
 */
public final class CodeBundle {
    /** Where jars live inside a bundle. */
    public static final String LIB_PREFIX = "lib/";

    private final Map<String, byte[]> entries;
    private final String id;

    private CodeBundle(Map<String, byte[]> entries) {
        this.entries = entries;
        this.id = hash(entries);
    }

    /** A bundle of {@code entries} (path to bytes); paths must be classes or {@code lib/*.jar}. */
    public static CodeBundle of(Map<String, byte[]> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a code bundle needs at least one class file");
        }
        TreeMap<String, byte[]> copy = new TreeMap<>();
        entries.forEach((path, bytes) -> {
            boolean isClass = path.endsWith(".class") && !path.startsWith("/") && !path.contains("..");
            boolean isJar = path.startsWith(LIB_PREFIX) && path.endsWith(".jar") && !path.contains("..")
                    && path.indexOf('/', LIB_PREFIX.length()) < 0;
            if (!isClass && !isJar) {
                throw new IllegalArgumentException("code bundle entry '" + path
                        + "' is neither a class file nor lib/<name>.jar");
            }
            copy.put(path, bytes.clone());
        });
        return new CodeBundle(copy);
    }

    /** The bundle's id: lower-case hex SHA-256 of its canonical content. */
    public String id() {
        return id;
    }

    /** Entry paths, sorted. */
    public Set<String> paths() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** The bytes of one entry, or {@code null}. */
    public byte[] entry(String path) {
        byte[] bytes = entries.get(path);
        return bytes == null ? null : bytes.clone();
    }

    public int size() {
        return entries.size();
    }

    /** The bundle as a zip archive, for the wire and the disk cache. */
    public byte[] toZip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTime(0);
                zip.putNextEntry(ze);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new CodecException("cannot zip code bundle " + id, e);
        }
        return out.toByteArray();
    }

    /** Reads a zip made by {@link #toZip()} within the configured {@link Limits}. */
    public static CodeBundle fromZip(byte[] zipBytes, String expectedId) {
        return fromZip(zipBytes, expectedId, Limits.configured());
    }

    /**
     * Reads a zip made by {@link #toZip()}; checks it against {@code expectedId} if given. The
     * zip, its entry count and its inflated content are bounded by {@code limits}: a zip bomb
     * stops at the limit with a {@link LimitExceededException}.
     */
    public static CodeBundle fromZip(byte[] zipBytes, String expectedId, Limits limits) {
        if (zipBytes.length > limits.maxBundleBytes()) {
            throw new LimitExceededException(Limits.ENV_MAX_BUNDLE_BYTES, limits.maxBundleBytes(),
                    "a code bundle zip of " + zipBytes.length + " bytes");
        }
        Map<String, byte[]> read = new TreeMap<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.isDirectory()) {
                    continue;
                }
                if (read.size() >= limits.maxBundleEntries()) {
                    throw new LimitExceededException(Limits.ENV_MAX_BUNDLE_ENTRIES, limits.maxBundleEntries(),
                            "the number of entries in a code bundle");
                }
                long room = limits.maxBundleBytes() - total;
                byte[] bytes = zip.readNBytes((int) Math.min(room + 1, Limits.HARD_MAX));
                if (bytes.length > room) {
                    throw new LimitExceededException(Limits.ENV_MAX_BUNDLE_BYTES, limits.maxBundleBytes(),
                            "a code bundle's content, inflated,");
                }
                total += bytes.length;
                if (read.put(e.getName(), bytes) != null) {
                    throw new CodecException("code bundle has entry '" + e.getName() + "' twice", null);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CodecException("code bundle is not a valid zip: " + e.getMessage(), e);
        }
        CodeBundle bundle;
        try {
            bundle = of(read);
        } catch (IllegalArgumentException e) {
            throw new CodecException("code bundle is malformed: " + e.getMessage(), e);
        }
        if (expectedId != null && !bundle.id().equals(expectedId)) {
            throw new CodecException("code bundle content hashes to " + bundle.id()
                    + ", not the expected " + expectedId, null);
        }
        return bundle;
    }

    private static String hash(Map<String, byte[]> sorted) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
                byte[] path = e.getKey().getBytes(StandardCharsets.UTF_8);
                sha.update(longBytes(path.length));
                sha.update(path);
                sha.update(longBytes(e.getValue().length));
                sha.update(e.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodeBundle other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "CodeBundle[" + id.substring(0, 12) + ", " + entries.size() + " entries]";
    }

}
