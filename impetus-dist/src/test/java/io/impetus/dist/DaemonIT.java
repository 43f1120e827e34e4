package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.dist.fixtures.Jobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The seed's daemon interface through the real launcher: pid and log files, start, stop, restart. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DaemonIT {

    @Test
    void startStopAndRestartWritePidAndLogFilesAndLeaveNoOrphans(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster("daemons")) {
            String run = dir.resolve("run").toString();
            String log = dir.resolve("log").toString();
            Launcher.Result started = Launcher.run(cluster.env, "coordinator", "start", "-i", run, "-l", log,
                    "--data-dir", dir.resolve("data").toString());
            assertThat(started.exitCode()).as(started.toString()).isZero();
            assertThat(started.out()).contains("impetus coordinator: started (pid ");
            long coordinatorPid = Long.parseLong(Files.readString(dir.resolve("run/Coordinator.pid")).trim());
            assertThat(ProcessHandle.of(coordinatorPid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

            Launcher.Result again = Launcher.run(cluster.env, "queue", "start", "-i", run, "-l", log);
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.out()).contains("already running (pid " + coordinatorPid);

            Launcher.Result node = Launcher.run(cluster.env, "node", "start", "-m", "2", "-d", "dfs-host", "-i", run, "-l", log);
            assertThat(node.exitCode()).as(node.toString()).isZero();
            assertThat(node.err()).contains("-d/-o/-u (the scaler's address) are unused");
            long nodePid = Long.parseLong(Files.readString(dir.resolve("run/Node.pid")).trim());

            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("daemons", Map.of());
                assertThat(stream.fork(Jobs::echo, "hello").get(60, TimeUnit.SECONDS)).isEqualTo("hello");
            }
            List<ProcessHandle> workers = new ArrayList<>(ProcessHandle.of(nodePid).orElseThrow().descendants().toList());
            assertThat(workers).isNotEmpty();

            Launcher.Result restarted = Launcher.run(cluster.env, "worker", "restart", "-m", "2", "-i", run, "-l", log);
            assertThat(restarted.exitCode()).as(restarted.toString()).isZero();
            assertThat(restarted.out()).contains("stopped", "started (pid ");
            long newNodePid = Long.parseLong(Files.readString(dir.resolve("run/Node.pid")).trim());
            assertThat(newNodePid).isNotEqualTo(nodePid);
            assertThat(ProcessHandle.of(nodePid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));

            assertThat(Launcher.run(cluster.env, "node", "stop", "-i", run, "-l", log).exitCode()).isZero();
            assertThat(Launcher.run(cluster.env, "coordinator", "stop", "-i", run, "-l", log).exitCode()).isZero();
            assertThat(dir.resolve("run/Node.pid")).doesNotExist();
            assertThat(dir.resolve("run/Coordinator.pid")).doesNotExist();
            Launcher.Result stopped = Launcher.run(cluster.env, "coordinator", "stop", "-i", run, "-l", log);
            assertThat(stopped.exitCode()).isEqualTo(1);
            assertThat(stopped.out()).contains("not running");

            assertThat(Files.readString(dir.resolve("log/Node.out"))).contains("tracking stream daemons",
                    "processing job:", "completed job:");
            assertThat(Files.readString(dir.resolve("log/Coordinator.out"))).contains("coordinator started");
        }
    }

    @Test
    void aDaemonThatCannotStartSaysWhyInOneLine(@TempDir Path dir) throws Exception {
        Launcher.Result r = Launcher.run(Map.of(), "coordinator", "start", "-q", "127.0.0.1", "-p", "1",
                "-i", dir.resolve("run").toString(), "-l", dir.resolve("log").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("did not start").contains("cannot reach RabbitMQ at 127.0.0.1:1");
        assertThat(dir.resolve("run/Coordinator.pid")).doesNotExist();

        Launcher.Result usage = Launcher.run(Map.of(), "node", "foreground", "-m", "0");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("mpps").doesNotContain("Exception");
    }
}
