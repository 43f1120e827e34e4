package io.impetus.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private final WireCodec codec = new WireCodec(64);

    @Test
    void leavesSmallBodiesPlain() {
        byte[] small = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        WireCodec.Encoded e = codec.encode(small);
        assertThat(e.contentEncoding()).isNull();
        assertThat(e.body()).isEqualTo(small);
    }

    @Test
    void deflatesLargeBodiesAndSaysSo() {
        byte[] large = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
        WireCodec.Encoded e = codec.encode(large);
        assertThat(e.contentEncoding()).isEqualTo("deflate");
        assertThat(e.body().length).isLessThan(large.length / 10);
        assertThat(codec.decode(e.body(), e.contentEncoding())).isEqualTo(large);
    }

    @Test
    void refusesAnEncodingItDoesNotSpeak() {
        assertThatThrownBy(() -> codec.decode(new byte[] {1}, "gzip"))
                .hasMessageContaining("unsupported content_encoding 'gzip'");
    }
}
