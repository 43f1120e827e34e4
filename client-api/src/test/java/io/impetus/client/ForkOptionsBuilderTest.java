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
                .hasMessage("job priority must be >= 0 (higher runs first), was -1: ForkOptions.builder().priority(n)"
                        + " or ForkOptions.priority(n)");
        assertThatThrownBy(() -> ForkOptions.delay(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("job delay must be >= 0, was PT-1S");
        assertThatThrownBy(() -> ForkOptions.callback(" ")).hasMessageStartingWith("the callback must be a stage's name");
    }
}
