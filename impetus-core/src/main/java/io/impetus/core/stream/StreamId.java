package io.impetus.core.stream;

import io.impetus.core.error.InvalidPropertyException;
import java.util.UUID;
import java.util.regex.Pattern;

/** Checks stream and client ids: they become parts of queue names, so they stay readable. */
public final class StreamId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    private StreamId() {
    }

    /** Returns {@code id} if it can name a stream or client, else says what is allowed. */
    public static String check(String kind, String id) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw new InvalidPropertyException(kind, kind + " id '" + id
                    + "' is not valid: use 1 to 100 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit");
        }
        return id;
    }

    /** A fresh random id, as the seed's uuid1 ids were. */
    public static String random() {
        return UUID.randomUUID().toString();
    }
}
