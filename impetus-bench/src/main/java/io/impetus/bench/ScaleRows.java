package io.impetus.bench;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.stream.QueueType;
import java.util.List;

/**
 * The rows of scale that run after the rounds (and alone with {@code --shape-only}): many streams
 * ({@code --shape}, {@code --idle}), many clients ({@code --clients}) and many nodes ({@code --spread},
 * {@code --scaler-queues}); each only when asked for.
 */
final class ScaleRows {
    List<ShapeRun.Result> shapes = List.of();
    List<ShapeRun.Idle> idles = List.of();
    List<ClientsRun.Row> clientRows = List.of();
    SpreadRun.Row spreadRow;
    ScalerPass.Result scalerPass;

    static ScaleRows run(Bench options, ConnectionSettings settings, BenchCluster cluster, String pad)
            throws Exception {
        ScaleRows rows = new ScaleRows();
        Watched watched = Watched.of(settings, cluster.coordinator().pid(), cluster.nodes());
        ShapeRows shapeRows = new ShapeRows(settings, watched, cluster.statusPort());
        rows.shapes = shapeRows.run(options.shapes.stream().map(ShapeRows::parseShape).toList(), pad,
                options.openOneByOne, options.idleRows, QueueType.parse("--queue-type", options.queueType));
        rows.idles = shapeRows.idles;
        if (options.clients > 0) {
            rows.clientRows = new ClientsRun(settings, watched).run(options.clients, options.jobs, pad);
        }
        if (options.spread) {
            try {
                rows.spreadRow = new SpreadRun(settings, watched).run(options.jobs, options.mpps, pad);
                System.out.println(rows.spreadRow.line());
            } catch (RuntimeException e) { // a coordinator too busy to answer: the scaler row still runs
                System.out.println("spread: failed: " + e.getMessage());
            }
        }
        if (options.scalerQueues > 0) {
            try {
                rows.scalerPass = ScalerPass.time(settings, options.scalerQueues, 5);
                System.out.println(rows.scalerPass.line());
            } catch (RuntimeException e) { // a busy management API: the other rows stand
                System.out.println("scaler pass: failed: " + e.getMessage());
            }
        }
        return rows;
    }

    /** A line a row, in the order they ran. */
    void print() {
        shapes.forEach(r -> System.out.println(r.line()));
        idles.forEach(r -> System.out.println(r.line()));
        clientRows.forEach(r -> System.out.println(r.line(clientRows.get(0).jobsPerSecond())));
        if (spreadRow != null) {
            System.out.println(spreadRow.line());
        }
        if (scalerPass != null) {
            System.out.println(scalerPass.line());
        }
    }
}
