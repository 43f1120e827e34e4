package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.config.SettingsResolver;
import io.impetus.testkit.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark completes with a few hundred jobs and every result right; no timing is asserted. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BenchIT {

    @Test
    void completesAndEveryJobReturnsItsSquare() throws Exception {
        Path report = Daemon.LOGS.resolve("BENCHMARKS-smoke.md");
        Daemon bench = Daemon.java("bench-smoke", "io.impetus.bench.Bench",
                Map.of(SettingsResolver.ENV_URI, TestBroker.get().amqpUri()),
                "--jobs", "300", "--latency-samples", "20", "--out", report.toString());
        int exit = bench.await(280);
        String out = bench.log();
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("all 300 jobs of every run returned x * x")
                .containsPattern("throughput, 32 jobs in flight +raw [\\d.]+/s +impetus [\\d.]+/s +ratio \\d+\\.\\d\\d")
                .contains("latency p50", "first result of a new stream", "resident memory: node");
        assertThat(Files.readString(report)).contains("| figure | raw | impetus | ratio |", "cores", "RabbitMQ");
    }
}
