package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigDefaultsTest {

    private static NodeCommand parse(Map<String, String> env, String... args) {
        NodeCommand node = new NodeCommand();
        CommandLine cli = new CommandLine(node);
        cli.setDefaultValueProvider(ConfigDefaults.load(args, env));
        cli.parseArgs(args);
        return node;
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("impetus.properties");
        Files.writeString(file, "mpps = 7\npiddir = /var/run/impetus\njobs-per-worker = 3\nhost = broker\n");
        String config = file.toString();

        NodeCommand fromFile = parse(Map.of(), "foreground", "--config", config);
        assertThat(fromFile.mpps).isEqualTo(7);
        assertThat(fromFile.jobsPerWorker).isEqualTo(3);
        assertThat(fromFile.daemon.piddir).isEqualTo(Path.of("/var/run/impetus"));
        assertThat(fromFile.daemon.logdir).isEqualTo(Path.of("log"));
        assertThat(fromFile.broker.resolve(Map.of()).host()).isEqualTo("broker");

        NodeCommand fromEnv = parse(Map.of("IMPETUS_MPPS", "9"), "foreground", "--config", config);
        assertThat(fromEnv.mpps).isEqualTo(9);

        NodeCommand fromCli = parse(Map.of("IMPETUS_MPPS", "9"), "foreground", "--config", config, "-m", "2");
        assertThat(fromCli.mpps).isEqualTo(2);

        NodeCommand defaults = parse(Map.of(), "foreground");
        assertThat(defaults.mpps).isEqualTo(5);
        assertThat(defaults.daemon.piddir).isEqualTo(Path.of("run"));
    }

    @Test
    void refusesAnUnknownKeyByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "mppps = 7\n");
        assertThatThrownBy(() -> ConfigDefaults.load(new String[] {"--config", file.toString()}, Map.of()))
                .hasMessageContaining("unknown key 'mppps'");
    }

    @Test
    void namesTheEnvironmentVariables() {
        assertThat(ConfigDefaults.envName("jobs-per-worker")).isEqualTo("IMPETUS_JOBS_PER_WORKER");
    }
}
