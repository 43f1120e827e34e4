package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.InvalidPropertyException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientEnvironmentTest {
    @Test
    void nothingSetGivesTheDefaults() {
        ClientEnvironment env = ClientEnvironment.read(Map.of(), p -> null);
        assertThat(env).isEqualTo(ClientEnvironment.NONE);
        assertThat(env.maxOutstandingOrDefault()).isEqualTo(Reservations.DEFAULT_MAX);
        assertThat(env.jobDeadlineOrNone()).isEqualTo(Duration.ZERO);
        assertThat(env.resultsExpiryOr(Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aSystemPropertyBeatsItsVariable() {
        ClientEnvironment env = ClientEnvironment.read(Map.of("IMPETUS_MAX_OUTSTANDING", "50",
                "IMPETUS_JOB_DEADLINE", "10m", "IMPETUS_RESULTS_EXPIRY", "off"),
                p -> p.equals("impetus.maxOutstanding") ? "70" : null);
        assertThat(env.maxOutstandingOrDefault()).isEqualTo(70);
        assertThat(env.jobDeadlineOrNone()).isEqualTo(Duration.ofMinutes(10));
        assertThat(env.resultsExpiryOr(Duration.ofDays(7))).isEqualTo(Duration.ZERO);
    }

    @Test
    void aBadValueIsRefusedNamingItsVariableOnlyWhenAskedFor() {
        ClientEnvironment env = ClientEnvironment.read(Map.of("IMPETUS_MAX_OUTSTANDING", "many",
                "IMPETUS_JOB_DEADLINE", "soon"), p -> null);
        assertThatThrownBy(env::maxOutstandingOrDefault).isInstanceOf(InvalidPropertyException.class)
                .hasMessage("IMPETUS_MAX_OUTSTANDING must be a whole number of jobs, was 'many'");
        assertThatThrownBy(env::jobDeadlineOrNone).isInstanceOf(InvalidPropertyException.class)
                .hasMessageStartingWith("IMPETUS_JOB_DEADLINE must be a duration");
        assertThat(env.resultsExpiryOr(Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
    }
}
