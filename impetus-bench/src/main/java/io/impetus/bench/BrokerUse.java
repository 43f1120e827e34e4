package io.impetus.bench;

import io.impetus.core.management.ManagementClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a set of processes holds on the broker: AMQP connections, their channels, and the queues of
 * a prefix. A connection is told to be ours by its client port, which {@code ss -tnp} maps to a
 * process id, so other sessions on the same broker do not count.
 */
record BrokerUse(int connections, int channels, int queues) {
    private static final Pattern SS_LINE = Pattern.compile(":(\\d+)\\s+\\S+:5672\\b.*pid=(\\d+),");

    static BrokerUse of(ManagementClient management, Set<Long> pids, String queuePrefix) {
        Set<Integer> ports = portsOf(pids);
        int connections = 0;
        int channels = 0;
        List<ManagementClient.ConnectionStats> all;
        try {
            all = management.connections();
        } catch (RuntimeException e) { // a busy management API times out: the connections ss sees, channels and queues unknown
            System.err.println("impetus bench: broker sample from ss only (" + e.getMessage() + ")");
            return new BrokerUse(ports.size(), UNKNOWN, UNKNOWN);
        }
        for (ManagementClient.ConnectionStats c : all) {
            if (ports.contains(c.peerPort())) {
                connections++;
                channels += c.channels();
            }
        }
        int queues;
        try {
            queues = management.queues(queuePrefix).size();
        } catch (RuntimeException e) {
            System.err.println("impetus bench: queues not sampled (" + e.getMessage() + ")");
            queues = UNKNOWN;
        }
        return new BrokerUse(connections, channels, queues);
    }

    /** "N connections, N channels, N queues" ("?" for a count not known). */
    String words() {
        return connections + " connections, " + count(channels) + " channels, " + count(queues) + " queues";
    }

    /** "N / N / N", for a table cell. */
    String cells() {
        return connections + " / " + count(channels) + " / " + count(queues);
    }

    /** A count the management API did not give (it timed out). */
    static final int UNKNOWN = -1;

    /** A count for a report: the number, or "?" when unknown. */
    static String count(int n) {
        return n == UNKNOWN ? "?" : String.valueOf(n);
    }

    /** The larger of each count. */
    BrokerUse max(BrokerUse other) {
        return new BrokerUse(Math.max(connections, other.connections), Math.max(channels, other.channels),
                Math.max(queues, other.queues));
    }

    /** Local ports of the TCP connections to port 5672 held by {@code pids}. */
    static Set<Integer> portsOf(Set<Long> pids) {
        Set<Integer> ports = new HashSet<>();
        try {
            Process ss = new ProcessBuilder("ss", "-tnpH", "state", "established").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor();
            for (String line : out.split("\n")) {
                Matcher m = SS_LINE.matcher(line);
                if (m.find() && pids.contains(Long.parseLong(m.group(2)))) {
                    ports.add(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            System.err.println("impetus bench: cannot run 'ss' to tell our broker connections: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ports;
    }
}
