package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ForkOptionsBuilderTest {
    @Test
    void theBuilderMakesWhatTheWithersMake() {
        assertThat(ForkOptions.builder().build()).isEqualTo(ForkOptions.DEFAULTS);
        assertThat(ForkOptions.builder().priority(9).delay(Duration.ofSeconds(30)).callback("stage").stream("s-1")
                .build()).isEqualTo(ForkOptions.priority(9).withDelay(Duration.ofSeconds(30)).withCallback("stage")
                .withStream("s-1"));
    }

    @Test
    void aBadChoiceIsRefusedNamingItsFieldAndHowToSetIt() {
        assertThatThrownBy(() -> ForkOptions.builder().priority(-1).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job priority must be between 0 and 255 (higher runs first), was -1:"
                        + " ForkOptions.builder().priority(n) or ForkOptions.priority(n)");
        assertThatThrownBy(() -> ForkOptions.delay(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("job delay must be between 0 and 366 days (31622400 s), was PT-1S");
        assertThatThrownBy(() -> ForkOptions.callback(" ")).hasMessageStartingWith("the callback must be a stage's name");
    }

    @Test
    void aDelayOrPriorityNoJobCouldCarryIsRefusedAtTheCall() {
        assertThatThrownBy(() -> ForkOptions.delay(Duration.ofDays(400))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job delay must be between 0 and 366 days (31622400 s), was PT9600H:"
                        + " ForkOptions.builder().delay(d) or ForkOptions.delay(d)");
        assertThatThrownBy(() -> ForkOptions.priority(9).withDelay(Duration.ofSeconds(31_622_401)))
                .hasMessageStartingWith("job delay must be between 0 and 366 days");
        assertThatThrownBy(() -> ForkOptions.builder().priority(256).build())
                .hasMessageStartingWith("job priority must be between 0 and 255 (higher runs first), was 256");
        assertThat(ForkOptions.delay(ForkOptions.MAX_DELAY).delay()).contains(Duration.ofDays(366));
        assertThat(ForkOptions.priority(255).priority()).hasValue(255);
    }
}
