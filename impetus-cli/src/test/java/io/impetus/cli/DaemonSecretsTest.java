package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonSecretsTest {

    @Test
    void secretOptionsInEveryFormLeaveTheArgumentsAndTheEnvironment() {
        Map<String, String> secrets = new LinkedHashMap<>();
        List<String> rest = DaemonSecrets.strip(List.of("node", "foreground", "-a", "s3cret", "-m", "2",
                "--uri=amqp://u:p@h/v", "-q", "host", "-uscalerkey"), secrets);
        assertThat(rest).containsExactly("node", "foreground", "-m", "2", "-q", "host");
        assertThat(secrets).containsEntry("-a", "s3cret").containsEntry("--uri", "amqp://u:p@h/v")
                .containsEntry("-u", "scalerkey");

        Map<String, String> env = new HashMap<>(Map.of("IMPETUS_AUTHKEY", "fromenv", "IMPETUS_RABBITMQ_URI",
                "amqp://x:y@h/v", "IMPETUS_PREFIX", "p"));
        DaemonSecrets.takeFromEnvironment(env, secrets);
        assertThat(env).containsOnlyKeys("IMPETUS_PREFIX");
        assertThat(secrets).containsEntry("-a", "s3cret").containsEntry("--uri", "amqp://u:p@h/v"); // the command line wins
        Map<String, String> store = new HashMap<>(Map.of("IMPETUS_STORE", "jdbc:postgresql://db/i?user=u&password=p"));
        Map<String, String> fromEnv = new HashMap<>();
        DaemonSecrets.takeFromEnvironment(store, fromEnv);
        assertThat(store).as("a store URL may hold a database password").isEmpty();
        assertThat(fromEnv).containsEntry("--store", "jdbc:postgresql://db/i?user=u&password=p");
    }

    @Test
    void theFileIsOwnerOnlyAndGoneOnceRead(@TempDir Path dir) throws Exception {
        Path f = DaemonSecrets.write(dir, "Node", Map.of("--authkey", "s3cret", "--uri", "amqp://u:p@h/v", "--evil", "x"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(DaemonSecrets.readAndDelete(f)).containsEntry("--authkey", "s3cret")
                .containsEntry("--uri", "amqp://u:p@h/v").doesNotContainKey("--evil");
        assertThat(f).doesNotExist();
    }

    @Test
    void theAuthkeyComesFromAFileWhenAskedAndACommandLineKeyWins(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key");
        Files.writeString(f, "from-file\n");
        BrokerOptions b = new BrokerOptions();
        b.authkeyFile = f;
        assertThat(b.resolve(Map.of()).authkey()).isEqualTo("from-file");
        b.authkey = "given";
        assertThat(b.resolve(Map.of()).authkey()).isEqualTo("given");
    }
}
