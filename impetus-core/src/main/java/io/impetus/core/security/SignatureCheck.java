package io.impetus.core.security;

/**
 * What checking a signature found: valid, or why not ({@code reason}, one line fit for a log or an
 * error result). {@code unknownKey} marks a signature made with a key this installation does not
 * accept: no retry can help, so a job signed so fails at once. Values; thread-safe.
 */
public record SignatureCheck(boolean valid, String keyId, boolean unknownKey, String reason) {
    /** Where an operator finds what to do about a key this installation does not accept. */
    public static final String ROTATING = "see docs/SECURITY.md, Rotating the key";

    public SignatureCheck {
        if (!valid && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a failed signature check needs a reason");
        }
    }

    public static SignatureCheck ok(String keyId) {
        return new SignatureCheck(true, keyId, false, null);
    }

    public static SignatureCheck unsigned() {
        return new SignatureCheck(false, null, false, "not signed");
    }

    public static SignatureCheck malformed() {
        return new SignatureCheck(false, null, false, "a malformed signature");
    }

    public static SignatureCheck unknownKey(String keyId) {
        return new SignatureCheck(false, keyId, true, "signed with key id " + keyId
                + ", which this installation does not accept — " + ROTATING);
    }

    public static SignatureCheck mismatch(String keyId) {
        return new SignatureCheck(false, keyId, false, "the signature" + (keyId == null ? "" : " (key id " + keyId + ")")
                + " does not match: signed with another key, or changed after it was signed");
    }

    /** A check that failed for {@code reason} (a stale or unstamped message). */
    public static SignatureCheck refused(String keyId, String reason) {
        return new SignatureCheck(false, keyId, false, reason);
    }
}
