package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.testkit.TestBroker;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code impetus check} run as a real process from the built distribution. */
class CheckCommandIT {

    @Test
    void printsTheBrokerVersionAndVhost() throws Exception {
        Launcher.Result r = Launcher.run("check", "--uri", TestBroker.get().amqpUri());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("RabbitMQ \\d+\\.\\d+\\.\\d+ at amqp://").contains("vhost: ");
        assertThat(r.out()).contains("management API: ");
    }

    @Test
    void aWrongAuthkeyFailsNamingTheAuthenticationFailure() throws Exception {
        Launcher.Result r = Launcher.run("check", "--uri", TestBroker.get().amqpUri(), "-a", "definitely-wrong");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("authentication failed").doesNotContain("Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void aClosedPortFailsNamingTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Launcher.Result r = Launcher.run("check", "--uri", TestBroker.get().amqpUri(), "-q", "127.0.0.1",
                "-p", String.valueOf(port));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach RabbitMQ at 127.0.0.1:" + port);
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void aMissingVhostIsNamed() throws Exception {
        Launcher.Result r = Launcher.run("check", "--uri", TestBroker.get().amqpUri(), "--vhost", "no-such-vhost");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("refused access to vhost 'no-such-vhost'");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void anInvalidOptionValueIsAUsageError() throws Exception {
        Launcher.Result r = Launcher.run("check", "--port", "many");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'many' is not an int");
    }

    @Test
    void printsItsVersion() throws Exception {
        Launcher.Result r = Launcher.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("impetus ");
        assertThat(Path.of(Launcher.LIB)).isDirectory();
    }
}
