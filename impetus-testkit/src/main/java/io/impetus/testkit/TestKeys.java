package io.impetus.testkit;

import io.impetus.core.security.SigningKey;

/**
 * The signing key of the test run: one per JVM, set as the {@code impetus.signingKey} system
 * property (so clients made in the test JVM sign with it) and handed to the processes a test
 * starts through {@code IMPETUS_SIGNING_KEY}.
 */
public final class TestKeys {
    private static String text;

    private TestKeys() {
    }

    /** The key's base64 text; made (and installed as the system property) on first use. */
    public static synchronized String signingKey() {
        if (text == null) {
            text = SigningKey.generate();
            System.setProperty(SigningKey.PROPERTY, text);
        }
        return text;
    }
}
