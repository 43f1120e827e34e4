package io.impetus.bench;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.stream.QueueType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --shape} rows: each shape through one new client, then the same total on one new
 * stream for the ratio; with {@code --idle}, each shape's idle row and the status page's time.
 */
final class ShapeRows {
    /** Past the streams' default timeout (15 s), when a node counts them idle. */
    static final long IDLE_AFTER_MS = 20_000;

    final List<ShapeRun.Idle> idles = new ArrayList<>();
    private final ConnectionSettings settings;
    private final Watched watched;
    private final int statusPort;

    ShapeRows(ConnectionSettings settings, Watched watched, int statusPort) {
        this.settings = settings;
        this.watched = watched;
        this.statusPort = statusPort;
    }

    /** Runs every shape (its one-stream row first); prints and returns the rows. */
    List<ShapeRun.Result> run(List<int[]> shapeList, String pad, boolean oneByOne, boolean idleRows, QueueType queueType)
            throws Exception {
        List<ShapeRun.Result> rows = new ArrayList<>();
        for (int[] shape : shapeList) {
            for (int[] run : List.of(new int[] {1, shape[0] * shape[1]}, shape)) {
                try (ImpetusRun impetus = new ImpetusRun(settings)) {
                    ShapeRun shapeRun = new ShapeRun(impetus.client(), watched.pids(), watched.brokerUse(), oneByOne,
                            queueType);
                    ShapeRun.Result r = impetus.shape(shapeRun, run[0], run[1], pad);
                    System.out.println(r.line());
                    rows.add(r);
                    if (idleRows && run == shape) {
                        ShapeRun.Idle idle = shapeRun.idle(IDLE_AFTER_MS, 10_000, 5, pad);
                        System.out.println(idle.line());
                        System.out.println(statusLine(run[0]));
                        idles.add(idle);
                    }
                }
            }
        }
        return rows;
    }

    /** The coordinator's {@code /api/status}, asked 5 times one after another: each time, and the median. */
    private String statusLine(int streams) {
        HttpClient http = HttpClient.newHttpClient();
        List<Double> ms = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort
                        + "/api/status")).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    return "/api/status: HTTP " + r.statusCode();
                }
                bytes = r.body().length;
            } catch (IOException | InterruptedException e) {
                return "/api/status: " + e;
            }
            ms.add((System.nanoTime() - t) / 1e6);
        }
        return String.format("/api/status with %d streams of this row open (and those of earlier rows): %s ms (median"
                + " %.0f), %d KB", streams, ms.stream().map(m -> String.format("%.0f", m)).toList(),
                Stats.percentile(ms, 50), bytes / 1024);
    }

    static int[] parseShape(String shape) {
        String[] parts = shape.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int streams = Integer.parseInt(parts[0].trim());
                int perStream = Integer.parseInt(parts[1].trim());
                if (streams >= 1 && perStream >= 1) {
                    return new int[] {streams, perStream};
                }
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--shape '" + shape + "' is not STREAMSxJOBS with both at least 1,"
                + " e.g. --shape 300x10");
    }
}
