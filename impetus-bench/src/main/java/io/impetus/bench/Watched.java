package io.impetus.bench;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.management.ManagementClient;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The processes a row measures (the broker, this client, the coordinator, each node and its workers)
 * and what they hold on the broker.
 *
 * @param pids      processes by name; a {@code children:} name sums the process's children
 * @param brokerUse this run's connections, channels and queues on the broker now
 * @param nodes     the node processes, in order
 */
record Watched(Map<String, Long> pids, Supplier<BrokerUse> brokerUse, List<Process> nodes) {
    static Watched of(ConnectionSettings settings, long coordinatorPid, List<Process> nodeProcesses) {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("rabbitmq", Cpu.rabbitPid());
        pids.put("client", ProcessHandle.current().pid());
        pids.put("coordinator", coordinatorPid);
        for (int n = 0; n < nodeProcesses.size(); n++) {
            pids.put("node" + (n + 1), nodeProcesses.get(n).pid());
            pids.put("children:workers" + (n + 1), nodeProcesses.get(n).pid());
        }
        ManagementClient management = new ManagementClient(settings);
        Supplier<BrokerUse> use = () -> {
            Set<Long> ours = new HashSet<>(pids.values());
            nodeProcesses.forEach(p -> p.children().forEach(c -> ours.add(c.pid())));
            return BrokerUse.of(management, ours, settings.topology().prefix() + ".");
        };
        return new Watched(pids, use, nodeProcesses);
    }

    Measured measure() {
        return Measured.begin(pids, brokerUse);
    }
}
