package @@package@@;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A job function is a plain static method: test it as one, no broker needed. */
class WordCountTest {
    @Test
    void countsTheWordsOfALine() {
        assertThat(WordCount.words("Impetus runs plain Java functions")).isEqualTo(5);
        assertThat(WordCount.words("  spaced   out  ")).isEqualTo(2);
        assertThat(WordCount.words("")).isZero();
    }

    @Test
    void refusesNoLineAtAll() {
        assertThatThrownBy(() -> WordCount.words(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
