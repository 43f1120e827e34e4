package io.impetus.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the benchmark's markdown report. */
final class Report {
    /** Everything from this line on is kept when the report is written again. */
    static final String NOTES_MARKER = "<!-- notes: kept when the bench rewrites this file -->";
    private Report() {
    }

    static void write(Path file, List<Figure> figures, ScaleRows rows, String brokerVersion, int mpps, String command)
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
                .append("node with ").append(mpps).append(" worker processes, and the results at the client. ")
                .append("The ratio is Impetus / raw: above 1 is better for throughput, below 1 is better for latency.\n\n");
        if (!figures.isEmpty()) {
            md.append("| figure | raw | impetus | ratio |\n|---|---|---|---|\n");
            figures.forEach(f -> md.append(f.markdownRow()).append('\n'));
        }
        if (!rows.shapes.isEmpty()) {
            md.append(figures.isEmpty() ? "" : "\n").append(shapeTable(rows.shapes));
        }
        if (!rows.clientRows.isEmpty()) {
            md.append('\n').append(clientsTable(rows.clientRows));
        }
        if (rows.spreadRow != null || rows.scalerPass != null) {
            md.append("\nMany nodes (`--spread`, `--scaler-queues`):\n\n");
            if (rows.spreadRow != null) {
                md.append("- ").append(rows.spreadRow.line()).append('\n');
            }
            if (rows.scalerPass != null) {
                md.append("- ").append(rows.scalerPass.line()).append('\n');
            }
        }
        String notes = Files.isRegularFile(file) ? Files.readString(file) : "";
        int marker = notes.indexOf(NOTES_MARKER);
        md.append('\n').append(marker >= 0 ? notes.substring(marker) : NOTES_MARKER + "\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, md.toString());
    }

    /** The shape rows: each many-stream row follows its one-stream row of the same total. */
    static String shapeTable(List<ShapeRun.Result> shapes) {
        StringBuilder md = new StringBuilder("Shape of work (one client; `--shape`): streams opened together"
                + " (`Impetus.streams`; one after another with `--open-one-by-one`), the jobs forked round-robin, every result checked; CPU seconds and peak RSS of each process;"
                + " the broker's connections, channels and queues of this run at their peak.\n\n");
        md.append("| shape | jobs/s | vs one stream | open a stream | time | CPU s (rabbitmq, client, coordinator,"
                + " nodes, workers) | peak RSS MB (client, coordinator, nodes, workers) | connections / channels / queues"
                + " | node RSS before → after, KB a stream |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        double oneStream = 0;
        for (ShapeRun.Result r : shapes) {
            boolean single = r.streams() == 1;
            if (single) {
                oneStream = r.jobsPerSecond();
            }
            StringBuilder rss = new StringBuilder();
            r.nodeRssKb().forEach((name, kb) -> rss.append(rss.isEmpty() ? "" : ", ").append(String.format(
                    "%d → %d MB (%+.0f)", kb[0] / 1024, kb[1] / 1024, r.kbPerStream(kb))));
            md.append(String.format("| %s | %.0f | %s | %.1f ms | %.1f s | %s | %s | %s | %s |%n",
                    single ? "1 stream × " + r.jobs() + " jobs" : r.shape(), r.jobsPerSecond(),
                    single || oneStream == 0 ? "" : String.format("%.2f", r.jobsPerSecond() / oneStream),
                    r.openMsEach(), r.seconds(), grouped(r.cpuSeconds(), "%.1f", 1.0),
                    grouped(withoutBroker(r.peakRssKb()), "%.0f", 1024.0),
                    r.broker().cells(), rss));
        }
        return md.toString();
    }

    /** The --clients rows: one client first, then many on one stream and many on a stream each. */
    static String clientsTable(List<ClientsRun.Row> rows) {
        StringBuilder md = new StringBuilder("Many clients at once (`--clients`; each client its own connection in the"
                + " bench's JVM and its own forking thread; the same total of jobs in each row; streams warmed with "
                + ClientsRun.WARM_JOBS + " jobs first; every result checked):\n\n");
        md.append("| clients | jobs/s | vs one client | time | CPU s (rabbitmq, client, coordinator, nodes, workers)"
                + " | peak RSS MB (client, coordinator, nodes, workers) | connections / channels / queues |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        double one = rows.get(0).jobsPerSecond();
        for (ClientsRun.Row r : rows) {
            md.append(String.format("| %s × %d jobs | %.0f | %s | %.1f s | %s | %s | %s |%n", r.label(),
                    r.jobs(), r.jobsPerSecond(), r.clients() == 1 ? "" : String.format("%.2f", r.jobsPerSecond() / one),
                    r.seconds(), grouped(r.cost().cpuSeconds(), "%.1f", 1.0),
                    grouped(withoutBroker(r.cost().peakRssKb()), "%.0f", 1024.0), r.cost().broker().cells()));
        }
        return md.toString();
    }

    private static Map<String, Long> withoutBroker(Map<String, Long> kb) {
        Map<String, Long> out = new LinkedHashMap<>(kb);
        out.remove("rabbitmq");
        return out;
    }

    /** Values of named processes, nodes and workers summed, as "a, b, c, nodes, workers". */
    private static String grouped(Map<String, ? extends Number> values, String format, double divisor) {
        Map<String, Double> sums = new LinkedHashMap<>();
        values.forEach((name, v) -> {
            String group = name.startsWith("children:workers") ? "workers" : name.startsWith("node") ? "nodes" : name;
            sums.merge(group, v.doubleValue() / divisor, Double::sum);
        });
        return String.join(", ", sums.values().stream().map(v -> String.format(format, v)).toList());
    }

    private static long memoryGb() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return -1;
    }
}
