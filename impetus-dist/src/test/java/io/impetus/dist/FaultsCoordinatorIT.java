package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.dist.fixtures.Jobs;
import io.impetus.dist.fixtures.SlowSquares;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators on one PostgreSQL store, the active one on a fault-harness host, cut off from
 * one of its two dependencies mid-run (PostgreSQL only, then RabbitMQ only). The standby must take
 * the lease, a new client must be answered within a few seconds, and the run in flight must end
 * with every result exactly once. Times are printed as "FAULTS ..." for docs/RELIABILITY.md.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultsCoordinatorIT {

    @Test
    void theActiveCoordinatorCutOffFromPostgresOnlyHandsOverToTheStandby(@TempDir Path tasks) throws Exception {
        cutActiveCoordinatorFrom(Faults.POSTGRES, "postgres", tasks);
    }

    @Test
    void theActiveCoordinatorCutOffFromRabbitmqOnlyHandsOverToTheStandby(@TempDir Path tasks) throws Exception {
        cutActiveCoordinatorFrom(Faults.RABBITMQ, "rabbitmq", tasks);
    }

    /**
     * The active coordinator's link (to RabbitMQ and PostgreSQL alike) 200 ms ± 50 ms each way with 10 % loss
     * each way for a minute, under a run: it keeps the lease all along (the epoch does not change, it never
     * stands by) and every result arrives once. TCP retransmissions on that link make single renewals of
     * 2–3.5 s, longer than the 2.5 s view of a 3 s lease; renewals overlap, each on its own connection, so the
     * next one asked half a second later is not held up by them. The renewal times (those over 500 ms are
     * logged) are printed for docs/RELIABILITY.md.
     */
    @Test
    void theActiveCoordinatorOnASlowLossyLinkKeepsItsLeaseAndLosesNothing(@TempDir Path tasks) throws Exception {
        Faults.require();
        String url = emptyStore();
        int count = 600;
        try (Faults.Host host = Faults.Host.up("slowcoord"); Cluster cluster = new Cluster("faults-coord-slow")) {
            Daemon active = cluster.in(host).startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> holder(url).contains("/" + active.pid() + "/"));
            Daemon standby = cluster.in(null).startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.log().contains("standby"));
            cluster.startNode(2);
            long epoch = epoch(url);
            long before = active.log().lines().filter(l -> l.contains("is standing by")).count();
            host.slow("200ms", "50ms", "10%");
            long slowed = System.nanoTime();
            SlowSquares run = FaultsNetworkIT.client(cluster, tasks, "slow-coord", count);
            CompletableFuture<?> running = CompletableFuture.runAsync(run::run);
            while (FaultsNetworkIT.since(slowed) < 60) {
                Thread.sleep(1000);
            }
            double slow = FaultsNetworkIT.since(slowed);
            String log = active.log();
            long after = epoch(url);
            String holderAfter = holder(url);
            host.heal();
            running.get(120, TimeUnit.SECONDS);
            long standingBy = log.lines().filter(l -> l.contains("is standing by")).count() - before;
            List<Long> slowRenewals = log.lines().map(SLOW_RENEWAL::matcher).filter(Matcher::find)
                    .map(m -> Long.parseLong(m.group(1))).sorted().toList();
            List<Long> silences = log.lines().map(BROKER_SILENCE::matcher).filter(Matcher::find)
                    .map(m -> Long.parseLong(m.group(1))).sorted().toList();
            // a renewal is asked every 500 ms, so the slow link saw about slow × 2 of them; the rest took < 500 ms
            long renewals = Math.round(slow * 2);
            int p99Rank = (int) Math.ceil(renewals * 0.01); // the p99 is the p99Rank-th slowest
            String p99 = slowRenewals.size() >= p99Rank ? slowRenewals.get(slowRenewals.size() - p99Rank) + " ms" : "< 500 ms";
            System.out.printf("FAULTS active coordinator on a 200ms±50ms 10%% loss link for %.0f s: lease epoch %d -> %d,"
                    + " the active one stood by %d time(s), %d results; ~%d renewals, %d over 500 ms, p99 %s, the"
                    + " slowest %s ms; %d broker silence(s) over 1.5 s, the longest %s ms%n",
                    slow, epoch, after, standingBy, run.received.size(), renewals, slowRenewals.size(), p99,
                    slowRenewals.isEmpty() ? "-" : slowRenewals.get(slowRenewals.size() - 1), silences.size(),
                    silences.isEmpty() ? "-" : silences.get(silences.size() - 1));
            FaultsNetworkIT.assertExactlyOnce(run, count);
            assertThat(standingBy).as("the active coordinator never stood by on the slow link").isZero();
            assertThat(after).as("no fail-over: the lease epoch did not change").isEqualTo(epoch);
            assertThat(holderAfter).contains("/" + active.pid() + "/");
        }
    }

    private static final Pattern SLOW_RENEWAL = Pattern.compile("slow lease renewal: (\\d+) ms");
    private static final Pattern BROKER_SILENCE = Pattern.compile("the broker answered again after (\\d+) ms");

    private static String emptyStore() throws Exception {
        String url = CoordinatorFailoverIT.postgres();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "bundles", "delayed_jobs", "leases"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        return url;
    }

    private static void cutActiveCoordinatorFrom(int port, String what, Path tasks) throws Exception {
        Faults.require();
        String url = emptyStore();
        int count = 1000;
        try (Faults.Host host = Faults.Host.up("coorda"); Cluster cluster = new Cluster("faults-coord-" + what)) {
            Daemon active = cluster.in(host).startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> holder(url).contains("/" + active.pid() + "/"));
            Daemon standby = cluster.in(null).startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.log().contains("standby"));
            cluster.startNode(2);
            SlowSquares run = FaultsNetworkIT.client(cluster, tasks, "cut-coord", count);
            CompletableFuture<?> running = CompletableFuture.runAsync(run::run);
            await().atMost(Duration.ofSeconds(60)).until(() -> run.received.size() >= 100);
            int before = run.received.size();

            host.cut(port);
            long cut = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> holder(url).contains("/" + standby.pid() + "/"));
            double tookOver = FaultsNetworkIT.since(cut);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> cluster.control().call(new ControlRequest.CreateStream("after-cut-" + System.nanoTime(),
                            Map.of()), CreateStreamResult.class).created());
            double answered = FaultsNetworkIT.since(cut);
            String echoed;
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                echoed = impetus.stream("fresh", Map.of()).fork(Jobs::echo, "new client").get(30, TimeUnit.SECONDS);
            }
            double newClient = FaultsNetworkIT.since(cut);
            running.get(120, TimeUnit.SECONDS);
            double ended = FaultsNetworkIT.since(cut);
            host.heal();
            System.out.printf("FAULTS active coordinator cut from %s only: %d of %d in flight; standby took the lease"
                    + " after %.2f s, a control request was answered after %.2f s, a new client's job after %.2f s,"
                    + " the run ended %.2f s after the cut%n", what, count - before, count, tookOver, answered,
                    newClient, ended);
            assertThat(echoed).isEqualTo("new client");
            FaultsNetworkIT.assertExactlyOnce(run, count);
            // within a client's own wait for a control answer (15 s): no client that asks during the cut gives up.
            // Measured 3.6 s (PostgreSQL cut) and 8.5 s (RabbitMQ cut, mostly the broker missing 3 s heartbeats).
            assertThat(newClient).as("a new client works within a control request's wait").isLessThan(15.0);
            // healed, the old one must not take over again or break what the new one does
            assertThat(cluster.control().call(new ControlRequest.CreateStream("after-heal", Map.of()),
                    CreateStreamResult.class).created()).isTrue();
        }
    }

    private static long epoch(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT epoch FROM leases WHERE name = 'coordinator'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String holder(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT holder FROM leases WHERE name = 'coordinator'")) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        }
    }
}
