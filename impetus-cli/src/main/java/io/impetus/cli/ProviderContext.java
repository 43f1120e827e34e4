package io.impetus.cli;

import io.impetus.core.config.ConnectionSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every node provider may need from the scaler's command line.
 *
 * @param settings the broker the nodes join
 * @param mpps worker processes per stream of the nodes
 * @param nodeEnv the environment a local node process gets (broker, prefix, signing key)
 * @param logdir the scaler's log folder
 */
record ProviderContext(ConnectionSettings settings, int mpps, Map<String, String> nodeEnv, Path logdir) {
}
