package io.impetus.cli;

import io.impetus.core.security.SigningKey;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;

/**
 * The options of a command that changes something through the coordinator ({@code schedules}, {@code cancel},
 * {@code dead}): those of {@link ControlOptions} and the installation's signing key ({@link SigningOptions}),
 * which signs its requests. An option every such command should have goes here.
 */
final class SignedControlOptions extends ControlOptions {
    @Mixin
    SigningOptions signing;

    /** The key of {@code --signing-key-file}, else of this process's environment. */
    @Override
    Supplier<SigningKey> key() {
        return signing::resolve;
    }
}
