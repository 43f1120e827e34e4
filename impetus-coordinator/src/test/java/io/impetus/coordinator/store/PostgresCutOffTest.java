package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A coordinator cut off from PostgreSQL in the middle of a fenced write: the server hears nothing of
 * the partition, so its session stays in the transaction, holding the share lock on the lease row. The
 * server must end that session soon, or no other coordinator could ever take the lease (its lease call
 * waits on the lock). Real PostgreSQL ({@code IMPETUS_TEST_POSTGRES_URL}); the "cut" is a transaction
 * whose client goes silent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostgresCutOffTest {

    @Test
    void aTransactionLeftOpenByACutOffCoordinatorEndsOnTheServerSoTheStandbyTakesTheLease() throws Exception {
        String url = PostgresStoreTest.url();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "bundles", "delayed_jobs", "leases", "dependants", "dependant_inputs", "inputs_done"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        Duration ttl = Duration.ofSeconds(3);
        try (CoordinatorStore a = CoordinatorStore.open(url, Path.of("unused"), CoordinatorStore.DEFAULT_SCOPE);
             CoordinatorStore b = CoordinatorStore.open(url, Path.of("unused"), CoordinatorStore.DEFAULT_SCOPE);
             Database cutOff = Database.open(url, Path.of("unused"), null)) {
            assertThat(a.lease("coordinator", "a", ttl)).hasValue(1);
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch heal = new CountDownLatch(1);
            LeaseTable leases = new LeaseTable(cutOff, CoordinatorStore.DEFAULT_SCOPE);
            CompletableFuture<Object> write = CompletableFuture.supplyAsync(() -> cutOff.transaction("write fenced", c -> {
                assertThat(leases.current(c, "coordinator", 1)).isTrue(); // the share lock on the lease row
                locked.countDown();
                try {
                    heal.await(); // the partition: its next statement does not come
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                return null;
            }));
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            long cut = System.nanoTime();

            OptionalLong taken = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> b.lease("coordinator", "b", ttl), OptionalLong::isPresent);
            long ms = (System.nanoTime() - cut) / 1_000_000;
            assertThat(taken).hasValue(2);
            assertThat(ms).as("taken once a's lease ran out and its session was ended (ms)").isLessThan(6000);

            heal.countDown();
            assertThat(write).failsWithin(Duration.ofSeconds(15));
        }
    }
}
