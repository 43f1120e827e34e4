package io.impetus.cli;

import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code impetus nodes}: the nodes that reported lately, from the coordinator's registry. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "List the nodes that sent a heartbeat lately: host, pid, streams, workers, busy, idle time, draining.")
final class NodesCommand implements Callable<Integer> {
    @Mixin
    ControlOptions options;

    @Override
    public Integer call() {
        try (ControlSession session = options.connect()) {
            options.print(list(session.control()), NodesCommand::print);
        }
        return 0;
    }

    static List<NodeStatus> list(ControlClient control) {
        return List.of(control.call(new ControlRequest.ListNodes(), NodeStatus[].class));
    }

    static void print(PrintWriter out, List<NodeStatus> nodes) {
        out.printf("%-28s %-16s %8s %5s %7s %7s %5s %8s %-8s %s%n", "NODE", "HOST", "PID", "MPPS", "STREAMS", "WORKERS",
                "BUSY", "IDLE(s)", "STATE", "STREAM LOADS");
        for (NodeStatus n : nodes) {
            long idle = n.busyWorkers() > 0 ? 0 : Duration.between(n.lastActivity(), Instant.now()).toSeconds();
            String state = n.blocked() ? "blocked" : n.draining() ? "draining" : "running";
            out.printf("%-28s %-16s %8d %5d %7d %7d %5d %8d %-8s %s%n", n.nodeId(), n.host(), n.pid(), n.mpps(),
                    n.streams().size(), n.totalWorkers(), n.busyWorkers(), idle, state, n.streams());
        }
        for (NodeStatus n : nodes) {
            if (n.insecure()) {
                out.printf("WARNING: node %s checks no signatures (--insecure-no-signing): any broker login can make it"
                        + " run code%n", n.nodeId());
            }
        }
    }
}
