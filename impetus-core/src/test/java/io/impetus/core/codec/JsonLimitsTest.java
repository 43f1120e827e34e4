package io.impetus.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.impetus.core.error.CodecException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the one mapper reads and writes: sizes are {@link Limits}' to bound, nesting is bounded, reads a little deeper. */
class JsonLimitsTest {
    private static JsonNode nested(int depth) {
        ArrayNode root = JsonNodeFactory.instance.arrayNode();
        ArrayNode at = root;
        for (int i = 1; i < depth; i++) {
            at = at.addArray();
        }
        return root;
    }

    @Test
    void aStringOrNameLongerThanJacksonsDefaultsIsReadBack() {
        String big = "x".repeat(21_000_000); // Jackson's own default stops at 20,000,000 characters
        assertThat(Json.read(Json.write(Map.of("arg", big)), JsonNode.class).get("arg").asText()).hasSize(big.length());
        String name = "k".repeat(60_000); // and names at 50,000
        assertThat(Json.read(Json.write(Map.of(name, 1)), JsonNode.class).has(name)).isTrue();
    }

    @Test
    void nestingIsWrittenUpToItsLimitAndReadALittleDeeperForTheEnvelopesAroundIt() {
        byte[] deepest = Json.write(nested(Json.MAX_WRITE_NESTING));
        assertThat(Json.read(("[[[" + new String(deepest) + "]]]").getBytes(), JsonNode.class)).isNotNull();
        assertThatThrownBy(() -> Json.write(nested(Json.MAX_WRITE_NESTING + 1))).isInstanceOf(CodecException.class)
                .hasMessageContaining("nesting");
        String tooDeep = "[".repeat(Json.MAX_READ_NESTING + 1) + "]".repeat(Json.MAX_READ_NESTING + 1);
        assertThatThrownBy(() -> Json.read(tooDeep.getBytes(), JsonNode.class)).isInstanceOf(CodecException.class);
    }
}
