package io.impetus.core.dead;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void aReplayIsANewWaitingJobWithItsAttemptsResetAndTheSameWork() {
        JobEnvelope dead = JobEnvelope.builder().id("abc").stream("s").client("c").name("f").function("a.B#f")
                .code("0".repeat(64)).args(Json.tree(7)).priority(4).callback("later").build()
                .startedBy("node", 1).finished(JobStatus.ERROR, Json.tree("boom"));
        JobEnvelope again = DeadLetters.again(dead);
        assertThat(again.id()).isEqualTo("abc-r1");
        assertThat(again.status()).isEqualTo(JobStatus.WAITING);
        assertThat(again.attempts()).isZero();
        assertThat(again.result()).isNull();
        assertThat(again.args()).isEqualTo(dead.args());
        assertThat(again.priority()).isEqualTo(4);
        assertThat(again.callback()).isEqualTo("later");
        assertThat(DeadLetters.again(again.startedBy("n", 2).finished(JobStatus.ERROR, Json.tree("x"))).id())
                .isEqualTo("abc-r2");
        JobEnvelope longId = JobEnvelope.builder().id("x".repeat(99)).stream("s").client("c").name("f")
                .function("a.B#f").code("0".repeat(64)).build();
        assertThat(DeadLetters.again(longId).id()).hasSizeLessThanOrEqualTo(100);
    }
}
