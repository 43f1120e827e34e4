package io.impetus.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ImpetusInstallationTest {
    @Test
    void aBrokerThatIsNotThereIsOneClearErrorAndLeavesNoFolderBehind() throws IOException {
        List<Path> before = folders();

        assertThatThrownBy(() -> ImpetusInstallation.builder().uri("amqp://impetus:impetus@127.0.0.1:1/").start())
                .hasMessageContaining("cannot reach RabbitMQ at 127.0.0.1:1");

        assertThat(folders()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void refusesAnMppsOutOfRange() {
        assertThatThrownBy(() -> ImpetusInstallation.builder().mpps(0))
                .hasMessageContaining("mpps must be between 1 and 100, was 0");
        assertThatThrownBy(() -> new ImpetusExtension(101)).hasMessageContaining("was 101");
    }

    private static List<Path> folders() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("impetus-test-")).toList();
        }
    }
}
