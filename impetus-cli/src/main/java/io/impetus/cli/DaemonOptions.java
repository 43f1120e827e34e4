package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The seed's daemon options: where pid and log files go. */
public final class DaemonOptions {
    @Option(names = {"-i", "--piddir"}, paramLabel = "PIDDIR", description = "pid file directory (default: run)")
    Path piddir = Path.of("run");

    @Option(names = {"-l", "--logdir"}, paramLabel = "LOGDIR", description = "log file directory (default: log)")
    Path logdir = Path.of("log");

    @Option(names = "--stop-timeout", paramLabel = "SECONDS",
            description = "how long stop waits for the daemon to exit before killing it, at least 1 (default: 120)")
    long stopTimeout = 120;

    @Option(names = "--ready-file", hidden = true, description = "touched once the daemon has started (used by start)")
    Path readyFile;

    @Option(names = "--secrets-file", hidden = true,
            description = "secret options written by start (0600), read and deleted at start")
    Path secretsFile;

    /** Refuses a stop timeout below 1 s: {@code stop} would kill the daemon at once, before it could drain. */
    void check() {
        if (stopTimeout < 1) {
            throw new InvalidPropertyException("stop-timeout", "--stop-timeout (config stop-timeout) must be at least 1"
                    + " second, was " + stopTimeout + ": it is how long stop waits for the daemon to exit before killing it");
        }
    }
}
