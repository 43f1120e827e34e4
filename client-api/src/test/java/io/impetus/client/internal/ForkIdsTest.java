package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Client's fork ids: the same in a rerun, distinct per parent, unguessable without the client's secret. */
class ForkIdsTest {

    @Test
    void aRerunGetsTheSameIdsFromItsKeptSecret(@TempDir Path dir) {
        ForkIds first = new ForkIds("c", ForkIds.secret(dir));
        ForkIds rerun = new ForkIds("c", ForkIds.secret(dir));
        assertThat(rerun.next("startup", "start", "s", "stage1", "f", 5))
                .isEqualTo(first.next("startup", "start", "s", "stage1", "f", 5));
        assertThat(Files.exists(dir.resolve(ForkIds.SECRET_FILE))).isTrue();
    }

    @Test
    void theSameForkFromTwoParentsIsTwoJobsWhateverTheOrderOfARerun(@TempDir Path dir) {
        byte[] secret = ForkIds.secret(dir);
        ForkIds first = new ForkIds("c", secret);
        String fromR1 = first.next("r1", "b", "s", "c", "f", 5);
        String fromR2 = first.next("r2", "b", "s", "c", "f", 5);
        assertThat(fromR1).isNotEqualTo(fromR2);
        // a rerun that skips r1 (handled, in the task file) and handles only r2: r2's fork keeps r2's id,
        // never r1's (whose result is in, which would skip r2's job)
        ForkIds rerun = new ForkIds("c", secret);
        assertThat(rerun.next("r2", "b", "s", "c", "f", 5)).isEqualTo(fromR2);
        // twice from one parent: two jobs, in the same order in a rerun
        ForkIds twice = new ForkIds("c", secret);
        String a = twice.next("r3", "b", "s", "c", "f", 5);
        String b = twice.next("r3", "b", "s", "c", "f", 5);
        assertThat(a).isNotEqualTo(b);
        ForkIds twiceAgain = new ForkIds("c", secret);
        assertThat(twiceAgain.next("r3", "b", "s", "c", "f", 5)).isEqualTo(a);
        assertThat(twiceAgain.next("r3", "b", "s", "c", "f", 5)).isEqualTo(b);
    }

    @Test
    void anotherSecretGivesOtherIdsSoKnowingTheClientIdIsNotEnough(@TempDir Path one, @TempDir Path two) {
        assertThat(new ForkIds("c", ForkIds.secret(one)).next("startup", "start", "s", "stage1", "f", 5))
                .isNotEqualTo(new ForkIds("c", ForkIds.secret(two)).next("startup", "start", "s", "stage1", "f", 5));
    }
}
