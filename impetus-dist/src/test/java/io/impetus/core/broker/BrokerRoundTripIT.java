package io.impetus.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Broker#answers}, which the coordinator's lease asks before each renewal, on the real
 * RabbitMQ: a live connection answers well within the lease's second, again and again; a closed one
 * does not, at once. (A cut connection, which stays open and never answers, is played by
 * FaultsCoordinatorIT.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokerRoundTripIT {

    @Test
    void aLiveConnectionAnswersWithinASecondAndAClosedOneDoesNot() {
        Broker broker = Brokers.connect(BrokerIT.settings(), "BrokerRoundTripIT", Duration.ofSeconds(3));
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertThat(broker.answers(Duration.ofSeconds(1))).as("round trip %d", i).isTrue();
            }
            assertThat((System.nanoTime() - start) / 20 / 1_000_000).as("ms per round trip").isLessThan(200);
        } finally {
            broker.close();
        }
        long start = System.nanoTime();
        assertThat(broker.answers(Duration.ofSeconds(1))).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).as("no waiting on a closed connection").isLessThan(500);
    }
}
