package io.impetus.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.codec.LimitExceededException;
import io.impetus.core.codec.Limits;
import io.impetus.core.error.CodecException;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class CodeBundleTest {

    @Test
    void theIdDependsOnContentNotOrder() {
        Map<String, byte[]> a = new LinkedHashMap<>();
        a.put("x/A.class", new byte[] {1, 2});
        a.put("x/B.class", new byte[] {3});
        Map<String, byte[]> b = new LinkedHashMap<>();
        b.put("x/B.class", new byte[] {3});
        b.put("x/A.class", new byte[] {1, 2});
        assertThat(CodeBundle.of(a).id()).isEqualTo(CodeBundle.of(b).id()).hasSize(64);

        a.put("x/B.class", new byte[] {4});
        assertThat(CodeBundle.of(a).id()).isNotEqualTo(CodeBundle.of(b).id());
    }

    @Test
    void pathAndContentBoundariesCannotCollide() {
        CodeBundle one = CodeBundle.of(Map.of("a/B.class", new byte[] {1, 2}));
        CodeBundle two = CodeBundle.of(Map.of("a/B.class", new byte[] {1}, "a/C.class", new byte[] {2}));
        assertThat(one.id()).isNotEqualTo(two.id());
    }

    @Test
    void survivesAZipRoundTripAndChecksItsId() {
        CodeBundle bundle = CodeBundle.of(Map.of("p/Job.class", new byte[] {9, 8, 7}, "lib/extra.jar", new byte[] {1}));
        CodeBundle back = CodeBundle.fromZip(bundle.toZip(), bundle.id());
        assertThat(back).isEqualTo(bundle);
        assertThat(back.entry("p/Job.class")).containsExactly(9, 8, 7);
        assertThat(bundle.toZip()).as("zips are reproducible").isEqualTo(back.toZip());

        assertThatThrownBy(() -> CodeBundle.fromZip(bundle.toZip(), "0".repeat(64)))
                .hasMessageContaining("not the expected");
    }

    @Test
    void refusesEntriesThatAreNotClassesOrJars() {
        assertThatThrownBy(() -> CodeBundle.of(Map.of("../evil.class", new byte[0])))
                .hasMessageContaining("neither a class file");
        assertThatThrownBy(() -> CodeBundle.of(Map.of("README", new byte[0])))
                .hasMessageContaining("neither a class file");
        assertThatThrownBy(() -> CodeBundle.of(Map.of())).hasMessageContaining("at least one");
    }

    @Test
    void aZipBombOrTooManyEntriesStopAtTheBundleLimits() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("p/Big.class"));
            zip.write(new byte[8 * 1024 * 1024]);
            zip.closeEntry();
        }
        Limits small = Limits.DEFAULTS.withBundle(1024 * 1024, 3);
        assertThatThrownBy(() -> CodeBundle.fromZip(out.toByteArray(), null, small))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining(Limits.ENV_MAX_BUNDLE_BYTES);

        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            many.put("p/C" + i + ".class", new byte[] {1});
        }
        byte[] zip = CodeBundle.of(many).toZip();
        assertThatThrownBy(() -> CodeBundle.fromZip(zip, null, small))
                .hasMessageContaining(Limits.ENV_MAX_BUNDLE_ENTRIES);
        assertThatThrownBy(() -> CodeBundle.fromZip(new byte[] {1, 2, 3}, null, small))
                .isInstanceOf(CodecException.class);
    }
}
