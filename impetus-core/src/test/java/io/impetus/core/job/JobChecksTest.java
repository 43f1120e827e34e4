package io.impetus.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.CodecException;
import org.junit.jupiter.api.Test;

class JobChecksTest {
    private static JobEnvelope.Builder job() {
        return JobEnvelope.builder().id("3f1c9a2e-0000-4000-8000-000000000001").stream("s").client("c").name("f")
                .function("a.b.C#f").code("0".repeat(64));
    }

    @Test
    void aRunnableJobPasses() {
        assertThat(JobChecks.runnable(job().build(), "s")).isNotNull();
    }

    @Test
    void eachWayAJobCanBeWrongIsNamed() {
        assertThatThrownBy(() -> JobChecks.runnable(job().build(), "other")).isInstanceOf(CodecException.class)
                .hasMessageContaining("arrived on stream 'other'");
        assertThatThrownBy(() -> JobChecks.runnable(job().status(JobStatus.DELAYED).build(), "s"))
                .hasMessageContaining("status 'delayed'");
        assertThatThrownBy(() -> JobChecks.runnable(job().id("a b").build(), "s")).hasMessageContaining("job id");
        assertThatThrownBy(() -> JobChecks.runnable(job().id("x".repeat(101)).build(), "s")).hasMessageContaining("job id");
        assertThatThrownBy(() -> JobChecks.runnable(job().client("").build(), "s")).hasMessageContaining("client");
        assertThatThrownBy(() -> JobChecks.runnable(job().client(null).build(), "s")).hasMessageContaining("client");
        assertThatThrownBy(() -> JobChecks.runnable(job().function("nope").build(), "s")).hasMessageContaining("function");
        assertThatThrownBy(() -> JobChecks.runnable(job().code("ABC").build(), "s")).hasMessageContaining("code bundle");
        assertThatThrownBy(() -> JobChecks.runnable(job().priority(256).build(), "s")).hasMessageContaining("priority");
        assertThatThrownBy(() -> JobChecks.runnable(job().name("n".repeat(201)).build(), "s")).hasMessageContaining("name");
    }

    @Test
    void aDelayedJobMustFallDueWithinAYearAndNameAValidStream() {
        assertThat(JobChecks.delayed(job().delay(60).status(JobStatus.DELAYED).build())).isNotNull();
        assertThatThrownBy(() -> JobChecks.delayed(job().delay(1e300).status(JobStatus.DELAYED).build()))
                .hasMessageContaining("delay");
        assertThatThrownBy(() -> JobChecks.delayed(job().delay(Double.POSITIVE_INFINITY).status(JobStatus.DELAYED).build()))
                .hasMessageContaining("delay");
        assertThatThrownBy(() -> JobChecks.delayed(job().stream("has space").delay(1).status(JobStatus.DELAYED).build()))
                .hasMessageContaining("stream");
    }

    @Test
    void aResultMustBeFinishedAndForThisClient() {
        JobEnvelope done = job().build().startedBy("n", 1).finished(JobStatus.READY, null);
        assertThat(JobChecks.result(done, "c")).isNotNull();
        assertThatThrownBy(() -> JobChecks.result(done, "d")).hasMessageContaining("not this client");
        assertThatThrownBy(() -> JobChecks.result(job().build(), "c")).hasMessageContaining("status 'waiting'");
    }
}
