package io.impetus.cli;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code impetus streams}: every stream the coordinator knows, open and closed, with its queue. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = "List streams (open and closed) with their queue counts and properties.")
final class StreamsCommand implements Callable<Integer> {
    @Mixin
    ControlOptions options;

    @Override
    public Integer call() {
        try (ControlSession session = options.connect()) {
            options.print(rows(session.broker(), session.control(), session.settings()), StreamsCommand::print);
        }
        return 0;
    }

    /** One row per stream the coordinator knows, open and closed, with its queue's counts. */
    static List<Map<String, Object>> rows(Broker b, ControlClient control, ConnectionSettings settings) {
        StreamInfo[] streams = control.call(new ControlRequest.ListStreams(true), StreamInfo[].class);
        Map<String, ManagementClient.QueueStats> stats = new HashMap<>();
        try {
            new ManagementClient(settings).queues(settings.topology().prefix() + ".stream.")
                .forEach(q -> stats.put(q.name(), q));
        } catch (ImpetusException e) {
            // without the management API, AMQP still gives ready and consumers
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StreamInfo s : streams) {
            List<String> queues = settings.topology().jobsQueues(s.id(), s.properties());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stream", s.id());
            row.put("state", s.state().name().toLowerCase(Locale.ROOT));
            Long ready = 0L;
            Long inFlight = 0L;
            Long consumers = 0L;
            Double rate = 0.0;
            for (String queue : queues) {
                ManagementClient.QueueStats q = stats.get(queue);
                QueueCounts counts = q != null ? null : b.inspect(queue).orElse(null);
                ready = q != null ? plus(ready, q.ready()) : counts == null ? null : plus(ready, counts.ready());
                consumers = q != null ? plus(consumers, q.consumers()) : counts == null ? null
                        : plus(consumers, counts.consumers());
                inFlight = q != null ? plus(inFlight, q.unacknowledged()) : null;
                rate = q != null && rate != null ? rate + q.ackRate() : null;
            }
            row.put("ready", ready);
            row.put("inFlight", inFlight);
            row.put("consumers", consumers);
            row.put("rate", rate);
            row.put("queueType", s.properties().queueTypeOrClassic().wireName());
            row.put("queues", queues);
            row.put("properties", s.properties().toMap());
            rows.add(row);
        }
        return rows;
    }

    static void print(PrintWriter out, List<Map<String, Object>> rows) {
        out.printf("%-40s %-7s %8s %9s %9s %8s  %s%n", "STREAM", "STATE", "READY", "IN-FLIGHT", "CONSUMERS",
                "RATE/s", "PROPERTIES");
        for (Map<String, Object> r : rows) {
            out.printf("%-40s %-7s %8s %9s %9s %8s  %s%n", r.get("stream"), r.get("state"), dash(r.get("ready")),
                    dash(r.get("inFlight")), dash(r.get("consumers")),
                    r.get("rate") == null ? "-" : String.format("%.1f", (Double) r.get("rate")), r.get("properties"));
            if (r.get("queues") instanceof List<?> queues && queues.size() > 1) {
                out.printf("%-40s %s bands, highest priorities last: %s%n", "", r.get("queueType"), String.join(", ",
                        queues.stream().map(Object::toString).toList()));
            }
        }
    }

    /** {@code sum + v}, or {@code null} (unknown) once any part is unknown. */
    private static Long plus(Long sum, long v) {
        return sum == null ? null : sum + v;
    }

    private static String dash(Object v) {
        return v == null ? "-" : v.toString();
    }
}
