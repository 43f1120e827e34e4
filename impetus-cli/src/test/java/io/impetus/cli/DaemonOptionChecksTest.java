package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.InvalidPropertyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A bad daemon option is refused with one line before the daemon starts, spawns or connects to anything. */
class DaemonOptionChecksTest {
    /** A broker nobody listens on: reaching it would fail with another error than the option's. */
    private static final String NOWHERE = "amqp://impetus:x@127.0.0.1:1/impetus";

    @TempDir
    Path dir;

    private <T extends DaemonCommand> T parse(T command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--piddir", dir.resolve("run").toString(), "--logdir", dir.resolve("log").toString()));
        CommandLine cli = new CommandLine(command);
        cli.setDefaultValueProvider(ConfigDefaults.load(all.toArray(String[]::new), Map.of()));
        cli.parseArgs(all.toArray(String[]::new));
        return command;
    }

    @Test
    void aStopTimeoutBelowOneSecondIsRefusedOnTheCommandLineAndInAConfigFile() throws Exception {
        for (String[] args : new String[][] {{"stop", "--stop-timeout", "0"}, {"start", "--stop-timeout", "-1"},
                {"foreground", "--stop-timeout", "0", "--uri", NOWHERE}}) {
            NodeCommand node = parse(new NodeCommand(), args);
            assertThatThrownBy(node::call).as(String.join(" ", args)).isInstanceOf(InvalidPropertyException.class)
                    .hasMessageStartingWith("--stop-timeout (config stop-timeout) must be at least 1 second, was");
        }
        Path file = dir.resolve("impetus.properties");
        Files.writeString(file, "stop-timeout = -1\n");
        CoordinatorCommand fromFile = parse(new CoordinatorCommand(), "stop", "--config", file.toString());
        assertThat(fromFile.daemon.stopTimeout).isEqualTo(-1);
        assertThatThrownBy(fromFile::call).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("was -1").extracting("property").isEqualTo("stop-timeout");
        assertThat(dir.resolve("log")).doesNotExist(); // nothing was started
    }

    @Test
    void aBadHttpPortIsRefusedBeforeTheCoordinatorOpensItsStoreOrConnects() {
        for (String port : new String[] {"99999", "0", "-1"}) {
            CoordinatorCommand c = parse(new CoordinatorCommand(), "foreground", "--http-port", port, "--insecure-http",
                    "--uri", NOWHERE, "--data-dir", dir.resolve("data").toString());
            assertThatThrownBy(c::call).isInstanceOf(InvalidPropertyException.class)
                    .hasMessage("--http-port (IMPETUS_HTTP_PORT, config http-port) must be between 1 and 65535, was "
                            + port + "; leave it out for no HTTP endpoint");
            assertThatThrownBy(c::startHere).isInstanceOf(InvalidPropertyException.class); // called alone too
        }
        assertThat(dir.resolve("data")).doesNotExist();
        CoordinatorCommand start = parse(new CoordinatorCommand(), "start", "--http-port", "70000", "--insecure-http");
        assertThatThrownBy(start::call).hasMessageContaining("--http-port"); // refused before it is spawned
        CoordinatorCommand retention = parse(new CoordinatorCommand(), "foreground", "--store-retention-days", "0",
                "--uri", NOWHERE, "--data-dir", dir.resolve("data").toString());
        assertThatThrownBy(retention::call).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("--store-retention-days (IMPETUS_STORE_RETENTION_DAYS) must be at least 1, was 0");
    }

    @Test
    void theStoreRetentionComesFromTheEnvironmentOrConfigAsAnyDaemonOption() {
        CoordinatorCommand c = new CoordinatorCommand();
        CommandLine cli = new CommandLine(c);
        cli.setDefaultValueProvider(ConfigDefaults.load(new String[] {"foreground"},
                Map.of("IMPETUS_STORE_RETENTION_DAYS", "3")));
        cli.parseArgs("foreground");
        assertThat(c.storeRetentionDays).isEqualTo(3);
        CoordinatorCommand bad = new CoordinatorCommand();
        CommandLine badCli = new CommandLine(bad);
        badCli.setDefaultValueProvider(ConfigDefaults.load(new String[] {"foreground"},
                Map.of("IMPETUS_STORE_RETENTION_DAYS", "a week")));
        assertThatThrownBy(() -> badCli.parseArgs("foreground")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--store-retention-days");
    }

    @Test
    void aNodesBadHttpPortIsRefusedBeforeItConnects() {
        NodeCommand node = parse(new NodeCommand(), "foreground", "--http-port", "65536", "--insecure-http",
                "--insecure-no-signing", "--uri", NOWHERE);
        assertThatThrownBy(node::call).isInstanceOf(InvalidPropertyException.class)
                .hasMessageStartingWith("--http-port (IMPETUS_HTTP_PORT, config http-port) must be between 1 and 65535");
    }
}
