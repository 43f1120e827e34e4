package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DueTimes: the hint of when held jobs fall due. */
class DueTimesTest {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void saysOnceWhenANotedTimeHasComeAndNotBefore() {
        DueTimes due = new DueTimes();
        due.held(t0.plusSeconds(10));
        due.held(t0.plusSeconds(20));
        assertThat(due.takeDueBy(t0.plusSeconds(9))).isFalse();
        assertThat(due.takeDueBy(t0.plusSeconds(10))).isTrue();
        assertThat(due.takeDueBy(t0.plusSeconds(15))).as("said once").isFalse();
        assertThat(due.takeDueBy(t0.plusSeconds(60))).isTrue();
        assertThat(due.size()).isZero();
    }

    @Test
    void keepsTheEarliestTimesWhenFull() {
        DueTimes due = new DueTimes();
        for (int i = DueTimes.MOST + 5; i > 0; i--) {
            due.held(t0.plusMillis(i));
        }
        assertThat(due.size()).isEqualTo(DueTimes.MOST);
        assertThat(due.takeDueBy(t0.plusMillis(1))).isTrue();
    }

    @Test
    void aStoreNotesTheJobsItHolds(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            Instant due = store.holdJob("j1", "s", Duration.ofSeconds(30), 0, new byte[] {1});
            assertThat(store.dueTimes().takeDueBy(due.minusMillis(1))).isFalse();
            assertThat(store.fenced("coordinator", () -> 0, e -> { }).dueTimes().takeDueBy(due))
                    .as("one hint for every view of the store").isTrue();
        }
    }
}
