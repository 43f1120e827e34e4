package io.impetus.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The seed's daemon options: where pid and log files go. */
public final class DaemonOptions {
    @Option(names = {"-i", "--piddir"}, paramLabel = "PIDDIR", description = "pid file directory (default: run)")
    Path piddir = Path.of("run");

    @Option(names = {"-l", "--logdir"}, paramLabel = "LOGDIR", description = "log file directory (default: log)")
    Path logdir = Path.of("log");

    @Option(names = "--stop-timeout", paramLabel = "SECONDS",
            description = "how long stop waits for the daemon to exit before killing it (default: 120)")
    long stopTimeout = 120;

    @Option(names = "--ready-file", hidden = true, description = "touched once the daemon has started (used by start)")
    Path readyFile;

    @Option(names = "--secrets-file", hidden = true,
            description = "secret options written by start (0600), read and deleted at start")
    Path secretsFile;
}
