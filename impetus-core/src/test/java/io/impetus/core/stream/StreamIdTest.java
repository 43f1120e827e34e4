package io.impetus.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.InvalidPropertyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StreamIdTest {
    /** The rule as it was written before the check went character by character. */
    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    @Test
    void theCheckAcceptsExactlyWhatTheRuleAccepts() {
        List<String> ids = new ArrayList<>(List.of("", "a", "Z9", "0.a_b-c", ".a", "_a", "-a", "a b", "a/b", "é", "aé",
                "a".repeat(100), "a".repeat(101), "a\n", "a:b", "a*", StreamId.random()));
        Random random = new Random(7);
        String alphabet = "aZ09_.-/ é:*\u0000";
        for (int i = 0; i < 5000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(i % 50 == 0 ? 110 : 6);
            for (int c = 0; c < n; c++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ids.add(b.toString());
        }
        for (String id : ids) {
            assertThat(StreamId.valid(id)).as("'%s'", id).isEqualTo(RULE.matcher(id).matches());
        }
        assertThat(StreamId.valid(null)).isFalse();
        assertThatThrownBy(() -> StreamId.check("stream", "a b")).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("stream id 'a b' is not valid");
        assertThat(StreamId.check("stream", "ok-1")).isEqualTo("ok-1");
    }
}
