package io.impetus.core.stream;

import io.impetus.core.error.InvalidPropertyException;
import java.util.UUID;

/** Checks stream and client ids: they become parts of queue names, so they stay readable. */
public final class StreamId {
    /** Most characters of an id (a prefix may allow fewer: see {@code Topology#checkStreamId}). */
    public static final int MAX_LENGTH = 100;

    private StreamId() {
    }

    /** Returns {@code id} if it can name a stream or client, else says what is allowed. */
    public static String check(String kind, String id) {
        if (!valid(id)) {
            throw new InvalidPropertyException(kind, kind + " id '" + id
                    + "' is not valid: use 1 to 100 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit");
        }
        return id;
    }

    /**
     * Whether {@code id} is {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,99}}: checked character by character,
     * as every queue name made for a job or a result checks its stream and client ids.
     */
    static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || !letterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!letterOrDigit(c) && c != '_' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** A fresh random id, as the seed's uuid1 ids were. */
    public static String random() {
        return UUID.randomUUID().toString();
    }
}
