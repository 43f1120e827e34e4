package io.impetus.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobStatusTest {

    @Test
    void allowsTheJobLifeAndItsRetries() {
        assertThat(JobStatus.WAITING.canMoveTo(JobStatus.PROCESSING)).isTrue();
        assertThat(JobStatus.PROCESSING.canMoveTo(JobStatus.READY)).isTrue();
        assertThat(JobStatus.PROCESSING.canMoveTo(JobStatus.ERROR)).isTrue();
        assertThat(JobStatus.PROCESSING.canMoveTo(JobStatus.WAITING)).as("retry").isTrue();
        assertThat(JobStatus.DELAYED.canMoveTo(JobStatus.WAITING)).isTrue();
    }

    @Test
    void finishedJobsGoNowhere() {
        for (JobStatus next : JobStatus.values()) {
            assertThat(JobStatus.READY.canMoveTo(next)).isFalse();
            assertThat(JobStatus.ERROR.canMoveTo(next)).isFalse();
        }
        assertThat(JobStatus.READY.isTerminal()).isTrue();
        assertThat(JobStatus.WAITING.isTerminal()).isFalse();
    }

    @Test
    void refusesSkippingTheWorker() {
        assertThat(JobStatus.WAITING.canMoveTo(JobStatus.READY)).isFalse();
        assertThat(JobStatus.DELAYED.canMoveTo(JobStatus.PROCESSING)).isFalse();
    }

    @Test
    void spellsStatesTheSeedsWay() {
        assertThat(JobStatus.PROCESSING.wireName()).isEqualTo("processing");
        assertThat(JobStatus.fromWire("ready")).isEqualTo(JobStatus.READY);
        assertThatThrownBy(() -> JobStatus.fromWire("done")).hasMessageContaining("unknown job status 'done'");
    }
}
