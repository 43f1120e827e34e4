package io.impetus.cli;

import io.impetus.core.broker.Broker;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.ScalerReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code impetus status}: broker, coordinator, streams and nodes in one view. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the broker, the coordinator, every stream and every node.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ControlOptions options;

    @Override
    public Integer call() {
        Map<String, Object> status = new LinkedHashMap<>();
        try (ControlSession session = options.connect(Duration.ofSeconds(5))) {
            Broker b = session.broker();
            ConnectionSettings settings = session.settings();
            Map<String, Object> rabbit = new LinkedHashMap<>();
            rabbit.put("version", b.serverVersion());
            rabbit.put("uri", settings.redacted());
            ManagementClient management = new ManagementClient(settings);
            try {
                rabbit.put("management", management.overview().managementVersion());
                rabbit.put("alarms", management.alarms());
            } catch (ImpetusException e) {
                rabbit.put("management", "not answering: " + e.getMessage());
            }
            status.put("broker", rabbit);
            ControlClient control = session.control();
            try {
                List<Map<String, Object>> streams = StreamsCommand.rows(b, control, settings);
                List<NodeStatus> nodes = NodesCommand.list(control);
                status.put("coordinator", "answering on " + settings.topology().controlQueue());
                status.put("streams", streams);
                status.put("nodes", nodes);
                ScalerReport scaler = control.call(new ControlRequest.GetScaler(),
                        ScalerReport.class);
                status.put("scaler", scaler == null ? "no scaler reported in the last 20 s"
                        : "provider " + scaler.provider() + ", nodes " + scaler.minNodes() + ".." + scaler.maxNodes()
                                + ", last decision: " + scaler.lastDecision());
            } catch (ImpetusException e) {
                status.put("coordinator", "not answering: " + e.getMessage());
                status.put("scaler", "unknown (the coordinator keeps the scaler's reports)");
            }
            // a memory or disk alarm: RabbitMQ blocks every connection that publishes (the requests above did)
            b.blocked().ifPresent(reason -> rabbit.put("blocked", reason));
        }
        options.print(status, StatusCommand::print);
        return 0;
    }

    private static void print(PrintWriter out, Map<String, Object> status) {
        @SuppressWarnings("unchecked")
        Map<String, Object> rabbit = (Map<String, Object>) status.get("broker");
        out.printf("broker:      RabbitMQ %s at %s (management: %s)%n", rabbit.get("version"), rabbit.get("uri"),
                rabbit.get("management"));
        Object alarms = rabbit.get("alarms") instanceof List<?> l && !l.isEmpty() ? String.join(", ",
                l.stream().map(String::valueOf).toList()) : rabbit.get("blocked");
        if (alarms != null) {
            out.printf("ALARM:       RabbitMQ blocks publishing (%s): jobs, results and requests wait until it clears"
                    + " — free memory or disk on the broker (rabbitmq-diagnostics alarms)%n", alarms);
        }
        out.printf("coordinator: %s%n", status.get("coordinator"));
        out.printf("scaler:      %s%n", status.get("scaler"));
        if (status.containsKey("streams")) {
            out.println();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> streams = (List<Map<String, Object>>) status.get("streams");
            StreamsCommand.print(out, streams);
            out.println();
            @SuppressWarnings("unchecked")
            List<NodeStatus> nodes = (List<NodeStatus>) status.get("nodes");
            NodesCommand.print(out, nodes);
        }
    }
}
