package io.impetus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Open file descriptors of a process and its soft limit, from /proc (Linux). RabbitMQ's are the first
 * limit many streams reach on a small broker: a classic queue holding messages keeps files open, and
 * past its file-handle limit (about 0.9 × the soft limit) the broker stops accepting connections.
 */
final class Fds {
    private Fds() {
    }

    /** How many descriptors {@code pid} has open, or -1 where /proc cannot tell (no such process, not ours). */
    static long count(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The soft "Max open files" of {@code pid}, or -1 where /proc cannot tell. */
    static long softLimit(long pid) {
        try {
            return softLimit(Files.readAllLines(Path.of("/proc", String.valueOf(pid), "limits")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** The soft limit on the "Max open files" line of a /proc/PID/limits text; -1 when absent or unlimited. */
    static long softLimit(List<String> limits) {
        for (String line : limits) {
            if (line.startsWith("Max open files")) {
                String[] words = line.substring("Max open files".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(words[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
