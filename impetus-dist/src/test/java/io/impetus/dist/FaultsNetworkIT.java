package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ClientOptions;
import io.impetus.client.Job;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.dist.fixtures.CountingSquares;
import io.impetus.dist.fixtures.SlowSquares;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults from the fault harness (scripts/faults): a node, then a client, cut off from the
 * broker (packets dropped, no reset) for longer than two AMQP heartbeats (20 s each) and healed; a
 * node on a slow, lossy link for a minute. Each run ends with every result exactly once; the
 * recovery time (heal to the next result) is printed as "FAULTS ..." for docs/RELIABILITY.md.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultsNetworkIT {
    static final Duration CUT = Duration.ofSeconds(45);

    static SlowSquares client(Cluster cluster, Path tasks, String stream, int count) {
        return new SlowSquares(ClientOptions.builder().settings(cluster.settings).taskDir(tasks).stream(stream)
                .out(new PrintStream(new ByteArrayOutputStream(), true)).build(), count);
    }

    static void assertExactlyOnce(SlowSquares c, int count) {
        assertThat(c.received).hasSize(count);
        assertThat(c.received.stream().map(Job::id).distinct()).hasSize(count);
        assertThat(c.received).allSatisfy(j -> assertThat(j.result(Long.class)).isEqualTo(j.args(Long.class) * j.args(Long.class)));
    }

    static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    @Test
    void aNodeCutOffForLongerThanTwoHeartbeatsAndHealedLosesNothing(@TempDir Path tasks) throws Exception {
        Faults.require();
        int count = 1500;
        try (Faults.Host host = Faults.Host.up("node"); Cluster cluster = new Cluster("faults-node")) {
            cluster.startCoordinator();
            cluster.in(host).startNode(2);
            cluster.in(null);
            SlowSquares c = client(cluster, tasks, "cut-node", count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 200);
            int before = c.received.size();
            host.cut();
            Thread.sleep(CUT.toMillis());
            int during = c.received.size() - before;
            host.heal();
            long healed = System.nanoTime();
            int atHeal = c.received.size();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> c.received.size() > atHeal);
            double recovered = since(healed);
            run.get(120, TimeUnit.SECONDS);
            System.out.printf("FAULTS node cut %d s: %d of %d in flight, %d results during the cut,"
                    + " first result %.2f s after heal, run ended %.2f s after heal%n",
                    CUT.toSeconds(), count - before, count, during, recovered, since(healed));
            assertExactlyOnce(c, count);
        }
    }

    @Test
    void aClientCutOffForLongerThanTwoHeartbeatsAndHealedGetsEveryResultOnce(@TempDir Path tasks) throws Exception {
        Faults.require();
        int count = 1500;
        try (Faults.Host host = Faults.Host.up("client"); Cluster cluster = new Cluster("faults-client")) {
            cluster.startCoordinator();
            cluster.startNode(2);
            Daemon client = Daemon.testClassWith(host.prefix(), cluster.prefix + "-client", CountingSquares.class,
                    host.env(cluster.env), String.valueOf(count), "--taskdir", tasks.toString(), "--stream", "cut-client");
            await().atMost(Duration.ofSeconds(60)).until(() -> received(client) >= 200);
            int before = received(client);
            host.cut();
            Thread.sleep(CUT.toMillis());
            host.heal();
            long healed = System.nanoTime();
            int atHeal = received(client);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> received(client) > atHeal || !client.isAlive());
            double recovered = since(healed);
            assertThat(client.await(120)).as(client.log()).isZero();
            System.out.printf("FAULTS client cut %d s: %d of %d in flight, first result %.2f s after heal,"
                    + " run ended %.2f s after heal%n", CUT.toSeconds(), count - before, count, recovered, since(healed));
            assertThat(client.log()).contains("done received=" + count + " distinct=" + count + " wrong=0");
        }
    }

    @Test
    void aNodeOnASlowLossyLinkForAMinuteLosesNothingAndStaysListed(@TempDir Path tasks) throws Exception {
        Faults.require();
        int count = 600;
        try (Faults.Host host = Faults.Host.up("slownode"); Cluster cluster = new Cluster("faults-slow")) {
            cluster.startCoordinator();
            cluster.in(host).startNode(2);
            cluster.in(null);
            host.slow("200ms", "50ms", "10%");
            long slowed = System.nanoTime();
            SlowSquares c = client(cluster, tasks, "slow-node", count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
            int minNodes = Integer.MAX_VALUE;
            while (since(slowed) < 60 && !run.isDone()) {
                minNodes = Math.min(minNodes, cluster.control().call(new ControlRequest.ListNodes(), NodeStatus[].class).length);
                Thread.sleep(1000);
            }
            int during = c.received.size();
            host.heal();
            long healed = System.nanoTime();
            run.get(120, TimeUnit.SECONDS);
            System.out.printf("FAULTS node slow 200ms±50ms 10%% loss for %.0f s: %d of %d results during it,"
                    + " node listed throughout: %s, run ended %.2f s after heal%n",
                    (healed - slowed) / 1e9, during, count, minNodes == 1, since(healed));
            assertExactlyOnce(c, count);
            assertThat(minNodes).as("the node was never dropped from the coordinator's list").isEqualTo(1);
        }
    }

    private static final Pattern RECEIVED = Pattern.compile("received (\\d+)");

    static int received(Daemon client) throws IOException {
        Matcher m = RECEIVED.matcher(client.log());
        int last = 0;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }
}
