package io.impetus.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.CodecException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class ZlibTest {
    private static byte[] data(Random random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ("abcdefgh{}\":,".charAt(random.nextInt(13)) + (random.nextInt(50) == 0 ? random.nextInt(100) : 0));
        }
        return b;
    }

    /** What a fresh deflater makes, as every compress did before deflaters were kept. */
    private static byte[] fresh(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    @Test
    void aKeptDeflaterOrInflaterWorksAsAFreshOneFromManyThreadsAndAfterAFailure() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                runs.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 200; i++) {
                        byte[] plain = data(random, 1 + random.nextInt(i % 20 == 0 ? 300_000 : 5_000));
                        byte[] packed = Zlib.compress(plain);
                        assertThat(packed).isEqualTo(fresh(plain));
                        assertThat(Zlib.decompress(packed, Long.MAX_VALUE)).isEqualTo(plain);
                        if (i % 17 == 0) { // a failed inflate is not kept: the next ones still read right
                            byte[] cut = Arrays.copyOf(packed, packed.length / 2);
                            assertThatThrownBy(() -> Zlib.decompress(cut, Long.MAX_VALUE)).isInstanceOf(CodecException.class);
                            assertThatThrownBy(() -> Zlib.decompress(packed, plain.length - 1L))
                                    .isInstanceOf(LimitExceededException.class);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Zlib.kept()).isBetween(1, 2 * Zlib.KEPT);
    }
}
