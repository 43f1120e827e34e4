package io.impetus.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.codec.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobEnvelopeTest {

    static JobEnvelope sample() {
        return JobEnvelope.builder().id("b9802310-a47c-11e3-9a1b-3ca9f46675e0").stream("s1")
                .client("b8b81d16-a47c-11e3-8b68-3ca9f46675e0").name("pow").args(Json.tree(31))
                .code("ab12").callback("stage1").created(Instant.parse("2014-03-05T15:42:14.633071Z")).build();
    }

    @Test
    void writesTheSeedsFieldsAndTimeFormat() throws Exception {
        JsonNode json = Json.mapper().readTree(Json.write(sample()));
        assertThat(json.fieldNames()).toIterable().containsExactly("id", "stream", "client", "name", "args", "code",
                "callback", "priority", "delay", "created", "status", "result", "node", "worker", "attempts",
                "transport", "function", "signature");
        assertThat(json.get("created").asText()).isEqualTo("2014-03-05 15:42:14.633071");
        assertThat(json.get("status").asText()).isEqualTo("waiting");
        assertThat(json.get("transport").isNull()).isTrue();
    }

    @Test
    void readsBackWhatItWrote() {
        JobEnvelope job = sample().startedBy("node-1", 5637).finished(JobStatus.READY, Json.tree(961));
        JobEnvelope back = Json.read(Json.write(job), JobEnvelope.class);
        assertThat(back).isEqualTo(job);
        assertThat(back.attempts()).isEqualTo(1);
        assertThat(back.result().asInt()).isEqualTo(961);
    }

    @Test
    void readsASeedJobWithItsExtraFields() {
        String seed = "{\"status\": \"ready\", \"name\": \"pow\", \"created\": \"2014-03-05 15:42:14.633071\","
                + " \"args\": 31, \"delay\": 0, \"callback\": \"stage1\", \"client\":"
                + " \"b8b81d16-a47c-11e3-8b68-3ca9f46675e0\", \"result\": 961, \"id\":"
                + " \"b9802310-a47c-11e3-9a1b-3ca9f46675e0\", \"transport\": null, \"stream\": \"s\","
                + " \"code\": \"eJxLZmRg\"}";
        JobEnvelope job = Json.read(seed.getBytes(StandardCharsets.UTF_8), JobEnvelope.class);
        assertThat(job.status()).isEqualTo(JobStatus.READY);
        assertThat(job.result().asInt()).isEqualTo(961);
        assertThat(job.created()).isEqualTo(Instant.parse("2014-03-05T15:42:14.633071Z"));
    }

    @Test
    void refusesAMoveTheTableForbids() {
        assertThatThrownBy(() -> sample().finished(JobStatus.READY, Json.tree(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot move from waiting to ready");
    }

    @Test
    void refusesNegativePriorityAndMissingName() {
        assertThatThrownBy(() -> JobEnvelope.builder().id("x").stream("s").name("f").priority(-1).build())
                .hasMessageContaining("priority must be >= 0");
        assertThatThrownBy(() -> JobEnvelope.builder().id("x").stream("s").build())
                .hasMessageContaining("'name'");
    }

    @Test
    void errorResultHasTheSeedsShape() throws Exception {
        JsonNode json = Json.mapper().readTree(Json.write(new ErrorResult("boom", "pow", 42, "return 1 / 0;")));
        assertThat(json.fieldNames()).toIterable().containsExactly("error", "name", "linenumber", "statement");
        assertThat(json.get("linenumber").asInt()).isEqualTo(42);
    }
}
