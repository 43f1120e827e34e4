package io.impetus.core.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** One HMAC-SHA256 key and its id (the first 8 bytes of the SHA-256 of the key, hex). Thread-safe. */
final class HmacKey {
    private static final String ALGORITHM = "HmacSHA256";

    private final String id;
    private final ThreadLocal<Mac> macs;

    HmacKey(byte[] bytes) {
        this.id = idOf(bytes);
        SecretKeySpec key = new SecretKeySpec(bytes, ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
            }
        });
    }

    static String idOf(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    String id() {
        return id;
    }

    byte[] mac(byte[] data) {
        return mac(data, data.length);
    }

    /** This key's MAC of the first {@code length} bytes of {@code data}. */
    byte[] mac(byte[] data, int length) {
        Mac m = macs.get();
        m.update(data, 0, length);
        return m.doFinal();
    }

    /** Whether {@code mac} is this key's MAC of the first {@code length} bytes of {@code data}, compared in constant time. */
    boolean matches(byte[] data, int length, byte[] mac) {
        return MessageDigest.isEqual(mac(data, length), mac);
    }

    @Override
    public String toString() {
        return "HmacKey[" + id + "]";
    }

    static boolean isKeyId(String s) {
        return s.length() == 16 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
