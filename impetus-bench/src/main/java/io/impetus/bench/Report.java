package io.impetus.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Writes the benchmark's markdown report. */
final class Report {
    /** Everything from this line on is kept when the report is written again. */
    static final String NOTES_MARKER = "<!-- notes: kept when the bench rewrites this file -->";
    private Report() {
    }

    static void write(Path file, List<Figure> figures, String brokerVersion, Bench bench, String command)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Measured by `").append(command).append("` on ").append(LocalDate.now(ZoneOffset.UTC)).append(".\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(memoryGb()).append(" GiB memory; RabbitMQ ").append(brokerVersion).append(" on the same machine; ")
                .append("Java ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(").\n\n");
        md.append("Raw is a minimal amqp-client program doing exactly the message work of a job round trip ")
                .append("(persistent job with confirms into a durable priority queue; consumers publish a persistent ")
                .append("result with confirms and ack the job on that confirm; the producer consumes the results). ")
                .append("Impetus is the same number of `x * x` jobs through a client, a coordinator-made stream, one ")
                .append("node with ").append(bench.mpps).append(" worker processes, and the results at the client. ")
                .append("The ratio is Impetus / raw: above 1 is better for throughput, below 1 is better for latency.\n\n");
        md.append("| figure | raw | impetus | ratio |\n|---|---|---|---|\n");
        figures.forEach(f -> md.append(f.markdownRow()).append('\n'));
        String notes = Files.isRegularFile(file) ? Files.readString(file) : "";
        int marker = notes.indexOf(NOTES_MARKER);
        md.append('\n').append(marker >= 0 ? notes.substring(marker) : NOTES_MARKER + "\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, md.toString());
    }

    private static long memoryGb() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return -1;
    }
}
