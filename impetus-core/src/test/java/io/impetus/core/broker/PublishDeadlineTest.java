package io.impetus.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.InvalidPropertyException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishDeadlineTest {

    @Test
    void theEnvironmentChangesTheDefaultsItNames() {
        assertThat(PublishDeadline.fromEnvironment(Map.of())).isEqualTo(PublishDeadline.DEFAULTS);
        assertThat(PublishDeadline.fromEnvironment(Map.of(PublishDeadline.ENV_CONFIRM_TIMEOUT_MS, "500",
                PublishDeadline.ENV_CONFIRM_RESENDS, "0"))).isEqualTo(new PublishDeadline(Duration.ofMillis(500), 0));
    }

    @Test
    void aBadVariableIsRefusedNamingIt() {
        assertThatThrownBy(() -> PublishDeadline.fromEnvironment(Map.of(PublishDeadline.ENV_CONFIRM_RESENDS, "two")))
                .isInstanceOf(InvalidPropertyException.class).hasMessageContaining("IMPETUS_CONFIRM_RESENDS");
    }

    @Test
    void theProcessUsesWhatItsEdgeSet() {
        PublishDeadline before = PublishDeadline.configured();
        try {
            PublishDeadline set = new PublishDeadline(Duration.ofSeconds(2), 1);
            PublishDeadline.useForThisProcess(set);
            assertThat(PublishDeadline.configured()).isEqualTo(set);
        } finally {
            PublishDeadline.useForThisProcess(before);
        }
    }
}
