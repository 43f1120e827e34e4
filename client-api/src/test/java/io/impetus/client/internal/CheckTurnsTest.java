package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CheckTurnsTest {
    @Test
    void withFewerStreamsThanTheBudgetEveryStreamIsCheckedEveryPass() {
        CheckTurns turns = new CheckTurns(50);
        List<String> streams = List.of("a", "b", "c");
        for (int pass = 0; pass < 3; pass++) {
            assertThat(turns.next(streams)).containsExactlyInAnyOrderElementsOf(streams);
        }
    }

    @Test
    void manyStreamsTakeTurnsSoEachIsCheckedOnceInAFewPasses() {
        CheckTurns turns = new CheckTurns(50);
        List<String> streams = IntStream.range(0, 1000).mapToObj(i -> "s" + i).toList();
        Set<String> seen = new HashSet<>();
        for (int pass = 0; pass < 20; pass++) {
            List<String> picked = turns.next(streams);
            assertThat(picked).hasSize(50);
            assertThat(picked).as("pass %d", pass).noneMatch(seen::contains);
            seen.addAll(picked);
        }
        assertThat(seen).hasSize(1000); // 20 passes of 50: each once
        assertThat(turns.next(streams)).hasSize(50).allSatisfy(s -> assertThat(seen).contains(s));
    }

    @Test
    void aNewStreamIsCheckedBeforeThoseCheckedAlready() {
        CheckTurns turns = new CheckTurns(2);
        turns.next(List.of("a", "b"));
        Set<String> now = new LinkedHashSet<>(List.of("a", "b", "new"));
        assertThat(turns.next(now)).contains("new").hasSize(2);
    }

    @Test
    void aStreamThatLeavesTheCandidatesForAWhileKeepsItsTurnAndDoesNotJumpTheQueue() {
        CheckTurns turns = new CheckTurns(1);
        turns.next(List.of("a", "b")); // a
        turns.next(List.of("b")); // b; a has nothing outstanding for a while
        turns.next(List.of("c")); // c
        assertThat(turns.next(List.of("a", "b", "c"))).as("a was looked at least lately, not never").containsExactly("a");
        assertThat(turns.next(List.of("a", "b", "c"))).containsExactly("b");
        assertThat(turns.next(List.of("c", "new"))).as("a never-seen stream still goes first").containsExactly("new");
    }

    @Test
    void aBudgetBelowOneIsRefused() {
        assertThatThrownBy(() -> new CheckTurns(0)).hasMessageContaining("one stream a pass");
    }
}
