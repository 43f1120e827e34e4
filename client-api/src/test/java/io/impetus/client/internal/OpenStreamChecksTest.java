package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.client.FakeInstallation;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stream id or property the coordinator would refuse (or that would fail later) is refused before anything is sent. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OpenStreamChecksTest {
    private final FakeInstallation fake = new FakeInstallation();
    private final List<ControlRequest> asked = new CopyOnWriteArrayList<>();

    private ClientSession session(ConnectionSettings settings, String clientId) {
        fake.broker.onControl(r -> {
            asked.add(r);
            throw new AssertionError("nothing should be sent");
        });
        return new ClientSession(new SessionOptions(settings, clientId, Map.of(), Clock.systemUTC(), null, 100,
                new SimpleMeterRegistry(), null, Duration.ofDays(7)), fake.broker);
    }

    @Test
    void anUnboundedPropertyIsRefusedBeforeTheRequestNamingItsValueAndRange() {
        try (ClientSession s = session(fake.settings, "c1")) {
            for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("delay", "Infinity"),
                    Map.of("delay", 1e12), Map.of("frequency", Double.POSITIVE_INFINITY), Map.of("timeout", 1e300),
                    Map.of("maxRate", Double.NaN), Map.of("maxAttempts", 100_000))) {
                assertThatThrownBy(() -> s.openStream("s", bad, new FutureResults())).as(bad.toString())
                        .isInstanceOf(InvalidPropertyException.class)
                        .hasMessageStartingWith("stream property '" + bad.keySet().iterator().next() + "' must be");
                assertThatThrownBy(() -> s.openStreams(List.of("s"), bad, new FutureResults()))
                        .isInstanceOf(InvalidPropertyException.class);
            }
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void aStreamIdTooLongForThePrefixIsRefusedBeforeTheRequest() {
        ConnectionSettings longPrefix = fake.settings.withTopology(new Topology("p".repeat(56)));
        try (ClientSession s = session(longPrefix, "c1")) {
            assertThatThrownBy(() -> s.openStream("s".repeat(100), Map.of(), new FutureResults()))
                    .isInstanceOf(InvalidPropertyException.class)
                    .hasMessageContaining("shorten the stream id to at most 82 characters");
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void aClientIdTooLongForThePrefixIsRefusedWhenTheSessionStarts() {
        ConnectionSettings longPrefix = fake.settings.withTopology(new Topology("p".repeat(56)));
        assertThatThrownBy(() -> session(longPrefix, "c".repeat(100)))
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessageStartingWith("client id '" + "c".repeat(100) + "' is 18 characters too long")
                .hasMessageContaining("shorten the client id to at most 82 characters");
    }
}
