package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.security.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three steps of a key rotation, each a file every process can take while the others still use the last. */
class KeygenCommandTest {
    private static final byte[] DATA = "a job".getBytes(StandardCharsets.UTF_8);

    /** The keys the file holds now (fromFile would follow the file's later steps). */
    private static SigningKey snapshot(Path file) throws Exception {
        return SigningKey.parse(Files.readString(file), file.toString());
    }

    @Test
    void rotatePromoteAndRetireKeepEveryStepReadableByTheLast(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("signing.key");
        assertThat(Impetus.run("keygen", file.toString())).isZero();
        SigningKey start = snapshot(file);

        assertThat(Impetus.run("keygen", "--rotate", file.toString())).isZero();
        SigningKey added = snapshot(file);
        assertThat(added.keyId()).as("the old key still signs").isEqualTo(start.keyId());
        assertThat(added.acceptedKeyIds()).hasSize(2);
        String newId = added.acceptedKeyIds().stream().filter(id -> !id.equals(start.keyId())).findFirst().orElseThrow();

        assertThat(Impetus.run("keygen", "--promote", file.toString())).isZero();
        SigningKey promoted = snapshot(file);
        assertThat(promoted.keyId()).isEqualTo(newId);
        assertThat(added.verify(DATA, promoted.sign(DATA))).as("a process still on step 1 accepts step 2's signatures")
                .isTrue();
        assertThat(promoted.verify(DATA, start.sign(DATA))).as("and step 2 accepts the old key's").isTrue();

        assertThat(Impetus.run("keygen", "--retire", file.toString())).isZero();
        SigningKey retired = snapshot(file);
        assertThat(retired.acceptedKeyIds()).containsExactly(newId);
        assertThat(promoted.verify(DATA, retired.sign(DATA))).isTrue();
        assertThat(retired.check(DATA, start.sign(DATA)).unknownKey()).as("the old key is refused, by its id").isTrue();
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aRotationStepNeedsAnExistingFileAndPromoteNeedsANewKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("signing.key");
        assertThat(Impetus.run("keygen", "--rotate", file.toString())).isNotZero();
        assertThat(Impetus.run("keygen", file.toString())).isZero();
        assertThat(Impetus.run("keygen", "--promote", file.toString())).isNotZero();
        assertThat(snapshot(file).acceptedKeyIds()).hasSize(1);
    }
}
