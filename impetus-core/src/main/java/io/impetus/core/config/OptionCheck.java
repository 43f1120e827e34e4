package io.impetus.core.config;

/**
 * The checks of every options record ({@code NodeOptions}, {@code ClientOptions}, {@code ForkOptions},
 * {@code Coordinator.Options}, {@code ScalerOptions}): a bad value is refused with an
 * {@link IllegalArgumentException} that names the field, the rule, the value given and how to set it,
 * as in {@code "mpps must be between 1 and 1000, was 0: set --mpps or NodeOptions.builder(settings).mpps(n)"}.
 */
public final class OptionCheck {
    private OptionCheck() {
    }

    /** Refuses {@code was} unless {@code ok}: "{@code field must be rule, was was: fix}". */
    public static void require(boolean ok, String field, String rule, Object was, String fix) {
        if (!ok) {
            throw new IllegalArgumentException(field + " must be " + rule + ", was " + was + ": " + fix);
        }
    }

    /** {@code value}, refused when missing: "{@code field is missing: fix}". */
    public static <T> T present(T value, String field, String fix) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing: " + fix);
        }
        return value;
    }
}
