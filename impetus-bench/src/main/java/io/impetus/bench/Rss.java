package io.impetus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Resident memory of a process and its children, from /proc (Linux). */
final class Rss {
    private Rss() {
    }

    /** Kilobytes of the process itself, or -1 where /proc cannot tell. */
    static long kb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Kilobytes of every child of {@code pid}, summed, and how many there are. */
    static long[] childrenKb(long pid) {
        long sum = 0;
        long n = 0;
        for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.children().toList()).orElse(List.of())) {
            long kb = kb(child.pid());
            if (kb > 0) {
                sum += kb;
                n++;
            }
        }
        return new long[] {sum, n};
    }

    /** Kilobytes of the largest child of {@code pid} (a node's heaviest worker), or -1 if it has none. */
    static long largestChildKb(long pid) {
        return ProcessHandle.of(pid).map(p -> p.children().mapToLong(c -> kb(c.pid())).max().orElse(-1))
                .orElse(-1L);
    }
}
