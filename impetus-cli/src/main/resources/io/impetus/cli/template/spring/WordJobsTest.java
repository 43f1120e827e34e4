package @@package@@;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A job function is a plain static method: test it as one, no broker needed. */
class WordJobsTest {
    @Test
    void countsTheWordsOfALine() {
        assertThat(WordJobs.words("Impetus runs plain Java functions")).isEqualTo(5);
        assertThat(WordJobs.words("  spaced   out ")).isEqualTo(2);
    }

    @Test
    void aBlankLineFailsTheJob() {
        assertThatThrownBy(() -> WordJobs.words(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
