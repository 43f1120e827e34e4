package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.stream.QueueType;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoordinatorOptionsTest {
    private final ConnectionSettings settings = ConnectionSettings.defaults();

    @Test
    void theBuilderGivesTheDefaultsAndWhatItIsTold() {
        Coordinator.Options o = Coordinator.Options.builder(settings, Path.of("data")).signingKey(null).build();
        assertThat(o.rpcThreads()).isEqualTo(Coordinator.DEFAULT_RPC_THREADS);
        assertThat(o.storeRetention()).isEqualTo(Coordinator.DEFAULT_STORE_RETENTION);
        assertThat(o.defaultQueueType()).isEqualTo(QueueType.CLASSIC);
        assertThat(o.adminUser()).isEqualTo(settings.user());
        assertThat(o.store()).isNull();
        Coordinator.Options told = Coordinator.Options.builder(settings, Path.of("data")).signingKey(null)
                .store("jdbc:postgresql://db/x").defaultQueueType(QueueType.QUORUM).rpcThreads(2)
                .storeRetention(Duration.ofDays(1)).adminUser("admin").build();
        assertThat(told).isEqualTo(new Coordinator.Options(settings, Path.of("data"), 2, told.clock(), null, "admin",
                "jdbc:postgresql://db/x", QueueType.QUORUM, Duration.ofDays(1)));
    }

    @Test
    void aBadValueIsRefusedNamingItsFieldAndHowToSetIt() {
        assertThatThrownBy(() -> Coordinator.Options.builder(settings, Path.of("data")).signingKey(null)
                .storeRetention(Duration.ofSeconds(30)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("storeRetention must be at least 1 minute (default 7 days), was PT30S: set"
                        + " --store-retention-days");
        assertThatThrownBy(() -> Coordinator.Options.builder(settings, Path.of("data")).signingKey(null)
                .rpcThreads(0).build()).hasMessageStartingWith("rpcThreads must be at least 1, was 0");
        assertThatThrownBy(() -> Coordinator.Options.builder(settings, null).signingKey(null).build())
                .hasMessageStartingWith("dataDir is missing: set --data-dir");
    }
}
