package io.impetus.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.InvalidPropertyException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
    private static final byte[] DATA = "what is signed".getBytes(StandardCharsets.UTF_8);
    private final String oldKey = SigningKey.generate();
    private final String newKey = SigningKey.generate();

    @Test
    void aSignatureNamesItsKeyIdTheFirstEightBytesOfTheKeysSha256() throws Exception {
        SigningKey key = SigningKey.parse(oldKey, "test");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(oldKey));
        String kid = HexFormat.of().formatHex(digest, 0, 8);
        assertThat(key.keyId()).isEqualTo(kid).isEqualTo(SigningKey.keyIdOf(oldKey));
        assertThat(key.sign(DATA)).startsWith(kid + ":");
        assertThat(key.check(DATA, key.sign(DATA))).isEqualTo(SignatureCheck.ok(kid));
    }

    @Test
    void aKeyFileOfSeveralLinesSignsWithTheFirstAndAcceptsEvery() {
        SigningKey ring = SigningKey.parse("# rotated 2026-01-01\n" + newKey + "\n\n" + oldKey + "\n", "keys");
        SigningKey old = SigningKey.parse(oldKey, "old");
        assertThat(ring.keyId()).isEqualTo(SigningKey.keyIdOf(newKey));
        assertThat(ring.acceptedKeyIds()).containsExactlyInAnyOrder(SigningKey.keyIdOf(newKey), SigningKey.keyIdOf(oldKey));
        assertThat(ring.verify(DATA, old.sign(DATA))).as("the old key's signature").isTrue();
        assertThat(old.verify(DATA, ring.sign(DATA))).as("the old key alone does not accept the new").isFalse();
        assertThat(SigningKey.parse(newKey + "," + oldKey, "env").acceptedKeyIds()).hasSize(2);
        assertThat(SigningKey.parse(newKey + " " + oldKey, "env").keyId()).isEqualTo(SigningKey.keyIdOf(newKey));
    }

    @Test
    void aSignatureByAKeyNotAcceptedFailsWithItsKeyIdAndWhatToDo() {
        SigningKey stranger = SigningKey.parse(newKey, "stranger");
        SignatureCheck check = SigningKey.parse(oldKey, "mine").check(DATA, stranger.sign(DATA));
        assertThat(check.valid()).isFalse();
        assertThat(check.unknownKey()).isTrue();
        assertThat(check.reason()).isEqualTo("signed with key id " + stranger.keyId()
                + ", which this installation does not accept — see docs/SECURITY.md, Rotating the key");
    }

    @Test
    void aChangedSignatureOrDataIsAMismatchNotAnUnknownKey() {
        SigningKey key = SigningKey.parse(oldKey, "k");
        SignatureCheck check = key.check("other".getBytes(StandardCharsets.UTF_8), key.sign(DATA));
        assertThat(check.valid()).isFalse();
        assertThat(check.unknownKey()).isFalse();
        assertThat(check.reason()).contains("does not match");
        assertThat(key.check(DATA, null).reason()).isEqualTo("not signed");
        assertThat(key.check(DATA, "zz:%%%").reason()).contains("malformed");
        assertThat(key.check(DATA, "ABCD:" + key.sign(DATA).split(":")[1]).reason()).contains("malformed");
    }

    @Test
    void aSignatureMadeBeforeKeyIdsIsToldApartAndCheckedAgainstEveryAcceptedKey() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(oldKey), "HmacSHA256"));
        String legacy = Base64.getEncoder().encodeToString(mac.doFinal(DATA));
        assertThat(legacy).doesNotContain(":");
        assertThat(SigningKey.parse(newKey + "\n" + oldKey, "ring").verify(DATA, legacy)).isTrue();
        assertThat(SigningKey.parse(newKey, "new only").check(DATA, legacy).reason()).contains("does not match");
    }

    @Test
    void anEmptyShortOrGarbledKeyFileIsRefusedSayingWhichKey() {
        assertThatThrownBy(() -> SigningKey.parse("# nothing\n\n", "f")).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("no signing key in f");
        assertThatThrownBy(() -> SigningKey.parse(oldKey + "\nc2hvcnQ=", "f")).hasMessageContaining("signing key #2 in f")
                .hasMessageContaining("at least 32");
        assertThat(SigningKey.parse(oldKey, "k").toString()).doesNotContain(oldKey.substring(0, 8)).contains("hidden");
    }

    @Test
    void keysFromAFileAreReadAgainWhenARotationStepChangesIt(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("signing.key");
        Files.writeString(file, oldKey + "\n");
        SigningKey running = SigningKey.fromFile(file);
        SigningKey rotated = SigningKey.parse(newKey + "\n" + oldKey, "the next step");
        assertThat(running.verify(DATA, rotated.sign(DATA))).isFalse();
        Path next = dir.resolve("next");
        Files.writeString(next, newKey + "\n" + oldKey + "\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> running.keyId().equals(SigningKey.keyIdOf(newKey)));
        assertThat(running.verify(DATA, rotated.sign(DATA))).as("the new key, once the file says so").isTrue();
        Files.writeString(file, "garbled!");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1));
        Awaitility.await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(5))
                .until(() -> true);
        assertThat(running.keyId()).as("a garbled file leaves the keys as they were").isEqualTo(SigningKey.keyIdOf(newKey));
    }

    @Test
    void theConfiguredKeyIsTheVariableElseTheFileElseTheProperty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("signing.key");
        Files.writeString(file, newKey + "\n");
        SigningKey fromVariable = SigningKey.configured(Map.of(SigningKey.ENV, oldKey,
                SigningKey.ENV_FILE, file.toString()), name -> newKey);
        SigningKey fromFile = SigningKey.configured(Map.of(SigningKey.ENV_FILE, file.toString()), name -> oldKey);
        SigningKey fromProperty = SigningKey.configured(Map.of(),
                name -> name.equals(SigningKey.PROPERTY) ? newKey : null);

        assertThat(fromVariable.sign(DATA)).isEqualTo(SigningKey.parse(oldKey, "old").sign(DATA));
        assertThat(fromFile.sign(DATA)).isEqualTo(SigningKey.parse(newKey, "new").sign(DATA));
        assertThat(fromProperty.sign(DATA)).isEqualTo(SigningKey.parse(newKey, "new").sign(DATA));
        assertThat(SigningKey.configured(Map.of(), name -> null)).isNull();
        assertThat(SigningKey.configuredText(Map.of(SigningKey.ENV_FILE, file.toString()), name -> null))
                .isEqualTo(newKey);
    }
}
