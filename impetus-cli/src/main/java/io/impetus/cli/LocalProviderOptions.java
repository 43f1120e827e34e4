package io.impetus.cli;

import io.impetus.core.config.JvmFlags;
import io.impetus.scaler.provider.LocalNodeProvider;
import io.impetus.scaler.provider.NodeProvider;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --provider local}: node processes on this machine. */
final class LocalProviderOptions {
    @Option(names = "--node-logdir", paramLabel = "DIR", description = "local provider: node logs (default: LOGDIR/nodes)")
    Path nodeLogDir;

    NodeProvider create(ProviderContext context) {
        return new LocalNodeProvider(context.mpps(), JvmFlags.of(JvmFlags.Role.NODE, System.getenv()), context.nodeEnv(),
                nodeLogDir != null ? nodeLogDir : context.logdir().resolve("nodes"));
    }
}
