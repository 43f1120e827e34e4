package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdSetTest {

    @Test
    void keepsEveryIdOnceUuidsOrNot() {
        IdSet set = new IdSet();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        for (String id : ids) {
            assertThat(set.add(id)).isTrue();
        }
        for (String id : ids) {
            assertThat(set.add(id)).as(id).isFalse();
            assertThat(set.contains(id)).isTrue();
        }
        assertThat(set.contains(UUID.randomUUID().toString())).isFalse();
        assertThat(set.add("job-7")).isTrue();
        assertThat(set.add("job-7")).isFalse();
        String zero = new UUID(0, 0).toString();
        assertThat(set.add(zero)).isTrue();
        assertThat(set.add(zero)).isFalse();
        String upper = ids.get(0).toUpperCase();
        assertThat(set.add(upper)).as("another spelling is another id").isTrue();
        assertThat(set.size()).isEqualTo(100_003);
        assertThat(IdSet.parse(ids.get(5))).containsExactly(UUID.fromString(ids.get(5)).getMostSignificantBits(),
                UUID.fromString(ids.get(5)).getLeastSignificantBits());
    }
}
