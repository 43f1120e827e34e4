package io.impetus.coordinator.dependant;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What an input's failure does to the job that waits for it (the wire names of {@code fork_after}'s policy). */
public enum FailurePolicy {
    /** The dependant does not run; its client gets an error result naming the failed input. */
    FAIL_DEPENDANT,
    /** The dependant runs; a failed input's place in its argument holds the input's error object. */
    PASS_ERRORS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy named {@code name}; anything else is refused with the names allowed. */
    public static FailurePolicy of(String name) {
        for (FailurePolicy p : values()) {
            if (p.wireName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown failure policy '" + name + "': expected one of "
                + Arrays.stream(values()).map(FailurePolicy::wireName).collect(Collectors.joining(", ")));
    }
}
