package io.impetus.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.client.Impetus;
import io.impetus.client.JobFailedException;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@ImpetusTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ImpetusTestIT {
    @Test
    void aForkedJobRunsOnTheTestsNodeAndItsResultComesBack(ImpetusInstallation impetus) throws Exception {
        try (Impetus client = impetus.connect()) {
            Impetus.Stream stream = client.stream("squares");
            List<CompletableFuture<Long>> all = stream.forkAll(Squares::square, List.of(1L, 2L, 3L));
            assertThat(stream.fork(Squares::square, 12L).get(120, TimeUnit.SECONDS)).isEqualTo(144L);
            assertThat(all).extracting(f -> f.join()).containsExactly(1L, 4L, 9L);
        }
    }

    @Test
    void aJobThatThrowsFailsItsFutureWithTheError(ImpetusInstallation impetus) {
        try (Impetus client = impetus.connect()) {
            CompletableFuture<Long> f = client.stream("squares").fork(Squares::square, -4L);
            assertThatThrownBy(() -> f.get(120, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(JobFailedException.class)
                    .satisfies(e -> assertThat(((JobFailedException) e).error().error())
                            .contains("no squares of negative numbers: -4"))
                    .satisfies(e -> assertThat(((JobFailedException) e).error().name()).isEqualTo("square"));
        }
    }

    @Test
    void aClientsStagesRunAgainstTheInstallation(ImpetusInstallation impetus) {
        Squares client = new Squares(impetus.clientOptions().build());
        client.run();
        assertThat(client.results).containsExactlyInAnyOrder(0L, 1L, 4L, 9L, 16L, 25L, 36L, 49L, 64L, 81L);
        assertThat(client.errors).singleElement().asString().contains("negative");
    }

    @Test
    void eachInstallationHasItsOwnPrefixAndLeavesNothingBehind() {
        ImpetusInstallation a = ImpetusInstallation.builder().name("a").start();
        String control;
        try (ImpetusInstallation b = ImpetusInstallation.builder().name("b").start()) {
            assertThat(a.prefix()).isNotEqualTo(b.prefix()).startsWith("it-a-");
            control = a.settings().topology().controlQueue();
            try (Impetus client = a.connect()) {
                assertThat(client.stream("s").fork(Squares::square, 5L).get(120, TimeUnit.SECONDS)).isEqualTo(25L);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        } finally {
            a.close();
            a.close(); // twice is harmless
        }
        try (Broker broker = Brokers.connect(a.settings(), "impetus-test check")) {
            assertThat(broker.inspect(control)).as("the control queue of a closed installation").isEmpty();
        }
    }
}
