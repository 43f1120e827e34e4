package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.security.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options the coordinator's commands share are written once and behave as each command's own did. */
class ControlOptionsTest {
    private static final byte[] DATA = "request".getBytes(StandardCharsets.UTF_8);

    @Test
    void aChangingCommandSignsWithItsSigningKeyFileAndKnowsItsName(@TempDir Path dir) throws Exception {
        String key = SigningKey.generate();
        Path file = Files.writeString(dir.resolve("signing.key"), key + "\n");
        CancelCommand cancel = new CancelCommand();
        new CommandLine(cancel).parseArgs("job-1", "--stream", "s", "--signing-key-file", file.toString(), "--json");

        assertThat(cancel.options.command.name()).isEqualTo("cancel");
        assertThat(cancel.options.key().get().sign(DATA)).isEqualTo(SigningKey.parse(key, "k").sign(DATA));
        assertThat(cancel.options.output.json).isTrue();
    }

    @Test
    void aViewCommandTakesTheBrokerOptionsAndJson() {
        NodesCommand nodes = new NodesCommand();
        new CommandLine(nodes).parseArgs("--uri", "amqp://u:p@rabbit:5673/v", "--json");

        assertThat(nodes.options.command.name()).isEqualTo("nodes");
        assertThat(nodes.options.broker.resolve().redacted()).isEqualTo("amqp://u@rabbit:5673/v");
        assertThat(nodes.options.output.json).isTrue();
    }
}
