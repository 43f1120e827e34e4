package io.impetus.scaler.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalNodeProviderTest {

    @Test
    void aNodeStartsWithTheJvmOptionsItsEdgeChoseThenTheNodeCommand() {
        LocalNodeProvider provider = new LocalNodeProvider(3, List.of("-Xmx96m", "-XX:+UseSerialGC"),
                Map.of("IMPETUS_PREFIX", "t"), Path.of("logs"));

        List<String> command = provider.command().toList();

        assertThat(command.subList(1, 3)).containsExactly("-Xmx96m", "-XX:+UseSerialGC");
        assertThat(command).endsWith(LocalNodeProvider.LAUNCHER, "node", "foreground", "-m", "3");
        assertThat(provider.command().processBuilder().environment()).containsEntry("IMPETUS_PREFIX", "t");
    }
}
