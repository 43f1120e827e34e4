package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.client.ForkTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReservationsTest {

    @Test
    void theClientsBoundHoldsForksExceptOnTheThreadThatDeliversResults() throws Exception {
        Reservations r = new Reservations(2);
        r.reserve("a", null, null);
        r.reserve("b", null, null);
        assertThatThrownBy(() -> r.reserve("a", null, Duration.ofMillis(50))).isInstanceOf(ForkTimeoutException.class);
        Reservations.UNBOUNDED_HERE.set(Boolean.TRUE); // a future's callback forking on the delivering thread
        try {
            assertThat(r.reserve("a", null, Duration.ofMillis(50))).isLessThan(Duration.ofMillis(50));
        } finally {
            Reservations.UNBOUNDED_HERE.remove();
        }
        r.release("a");
        r.release("a");
        assertThat(r.reserve("c", null, Duration.ofMillis(50))).isNotNull();
    }
}
