package io.impetus.client;

import java.util.Locale;

/** What happens to a job forked with {@code forkAfter} when one of the jobs it waits for fails. */
public enum FailurePolicy {
    /** It does not run; its future fails with {@link JobFailedException} naming the failed input. */
    FAIL_DEPENDANT,
    /**
     * It runs; in its argument, a failed input's place holds that input's error object
     * ({@code {"error", "name", "linenumber", "statement"}}), so its function should take a list of
     * {@code Object} or {@code JsonNode}.
     */
    PASS_ERRORS;

    /** The name on the wire ({@code fail_dependant}, {@code pass_errors}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
