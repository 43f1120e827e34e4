package io.impetus.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.InvalidPropertyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsResolverTest {

    @Test
    void defaultsToTheImpetusUserOnLocalhost() {
        ConnectionSettings s = SettingsResolver.resolve(Map.of(), Map.of(), Map.of());
        assertThat(s.redacted()).isEqualTo("amqp://impetus@localhost:5672/%2F");
        assertThat(s.authkey()).isEqualTo("impetus");
        assertThat(s.managementUri()).hasToString("http://localhost:15672");
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFile() {
        Map<String, String> file = Map.of("host", "file-host", "authkey", "file-key", "vhost", "filevh");
        Map<String, String> env = SettingsResolver.fromEnvironment(Map.of("IMPETUS_AUTHKEY", "env-key"));
        Map<String, String> cli = Map.of("host", "cli-host");
        ConnectionSettings s = SettingsResolver.resolve(cli, env, file);
        assertThat(s.host()).isEqualTo("cli-host");
        assertThat(s.authkey()).isEqualTo("env-key");
        assertThat(s.vhost()).isEqualTo("filevh");
    }

    @Test
    void aUriGivesEveryPartAndStrongerKeysOverrideIt() {
        Map<String, String> env = SettingsResolver.fromEnvironment(
                Map.of("IMPETUS_RABBITMQ_URI", "amqp://bob:s3cr%40t@rabbit:5673/impetus"));
        ConnectionSettings fromUri = SettingsResolver.resolve(Map.of(), env, Map.of("authkey", "weaker"));
        assertThat(fromUri.user()).isEqualTo("bob");
        assertThat(fromUri.authkey()).as("a config-file authkey is weaker than the env URI").isEqualTo("s3cr@t");
        assertThat(fromUri.port()).isEqualTo(5673);
        assertThat(fromUri.vhost()).isEqualTo("impetus");

        ConnectionSettings overridden = SettingsResolver.resolve(Map.of("authkey", "cli-key", "port", "5999"), env,
                Map.of());
        assertThat(overridden.authkey()).isEqualTo("cli-key");
        assertThat(overridden.port()).isEqualTo(5999);
        assertThat(overridden.amqpUri()).hasToString("amqp://bob:cli-key@rabbit:5999/impetus");
    }

    @Test
    void readsAConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("impetus.properties");
        Files.writeString(file, "rabbitmq.host = broker\nrabbitmq.port = 5680\nauthkey = k\nprefix = acme\n");
        ConnectionSettings s = SettingsResolver.resolve(Map.of(), Map.of(), SettingsResolver.fromFile(file));
        assertThat(s.address()).isEqualTo("broker:5680");
        assertThat(s.authkey()).isEqualTo("k");
        assertThat(s.topology().controlQueue()).isEqualTo("acme.control");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> SettingsResolver.resolve(Map.of("port", "http"), Map.of(), Map.of()))
                .hasMessageContaining("broker port must be a number, was 'http'");
        assertThatThrownBy(() -> SettingsResolver.resolve(Map.of("uri", "localhost"), Map.of(), Map.of()))
                .hasMessageContaining("not a valid URI 'localhost'");
        assertThatThrownBy(() -> SettingsResolver.fromFile(Path.of("/no/such/file")))
                .hasMessageContaining("cannot read config file /no/such/file");
    }

    @Test
    void anInvalidUriIsNamedWithoutItsPassword() {
        Assertions.assertThatThrownBy(() -> SettingsResolver.resolve(
                Map.of("uri", "amqp://me:s3cret@bad host/v"), Map.of(), Map.of()))
                .hasMessageContaining("me:***@").hasMessageNotContaining("s3cret");
        Assertions.assertThat(SettingsResolver.redact("x amqps://u:p%40ss@h:1/v y"))
                .isEqualTo("x amqps://u:***@h:1/v y");
    }

    @Test
    void aListOfUrisNamesEveryNodeOfOneClusterInOrder() {
        Map<String, String> env = SettingsResolver.fromEnvironment(Map.of(
                "IMPETUS_RABBITMQ_URI", "amqp://bob:pw@n1:5673/impetus, amqp://bob:pw@n2/impetus,amqp://bob:pw@n3:5675/impetus",
                "IMPETUS_MANAGEMENT_URI", "http://n1:15672,http://n2:15672"));
        ConnectionSettings s = SettingsResolver.resolve(Map.of(), env, Map.of());
        assertThat(s.addresses()).containsExactly("n1:5673", "n2:5672", "n3:5675");
        assertThat(s.redacted()).isEqualTo("amqp://bob@n1:5673,n2:5672,n3:5675/impetus").doesNotContain("pw");
        assertThat(s.uriList()).isEqualTo("amqp://bob:pw@n1:5673/impetus,amqp://bob:pw@n2:5672/impetus,"
                + "amqp://bob:pw@n3:5675/impetus");
        ConnectionSettings again = SettingsResolver.resolve(Map.of(), SettingsResolver.fromEnvironment(
                Map.of("IMPETUS_RABBITMQ_URI", s.uriList())), Map.of());
        assertThat(again.addresses()).as("a child handed uriList() connects to the same nodes").isEqualTo(s.addresses());
        ConnectionSettings shortForm = SettingsResolver.resolve(Map.of(), SettingsResolver.fromEnvironment(Map.of(
                "IMPETUS_RABBITMQ_URI", "amqp://bob:pw@n1:5673/impetus,amqp://n2,amqp://n3:5675")), Map.of());
        assertThat(shortForm.uriList()).as("later nodes share the first one's user, password and vhost")
                .isEqualTo(s.uriList());
        assertThat(s.managementUris()).extracting(Object::toString).containsExactly("http://n1:15672", "http://n2:15672");
        assertThat(s.managementUriList()).isEqualTo("http://n1:15672,http://n2:15672");
    }

    @Test
    void aListMustNameOneUserPasswordAndVhost() {
        for (String bad : new String[] {"amqp://bob:pw@n1/v,amqp://eve:pw@n2/v", "amqp://bob:pw@n1/v,amqp://bob:x@n2/v",
                "amqp://bob:pw@n1/v,amqp://bob:pw@n2/w", "amqp://bob:pw@n1/v,amqps://bob:pw@n2/v", "amqp://bob:pw@n1/v,,"}) {
            assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), SettingsResolver.fromEnvironment(
                    Map.of("IMPETUS_RABBITMQ_URI", bad)), Map.of()))
                    .as(bad).isInstanceOf(InvalidPropertyException.class)
                    .hasMessageNotContaining(":pw@").hasMessageNotContaining(":x@");
        }
    }

    @Test
    void aSecretFileGivesItsFirstLineAndAnEmptyOrMissingOneIsRefusedByName(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "  s3cret \nsecond line\n");
        assertThat(SettingsResolver.readSecret(file, "password file")).isEqualTo("s3cret");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> SettingsResolver.readSecret(empty, "password file"))
                .hasMessageContaining("the password file " + empty + " is empty");
        assertThatThrownBy(() -> SettingsResolver.readSecret(dir.resolve("none"), "authkey-file"))
                .hasMessageContaining("cannot read the authkey-file " + dir.resolve("none"));
    }

    @Test
    void theConfigFileIsTheOneImpetusConfigNamesAndItMustExist(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.properties"), "prefix = p1\n");
        assertThat(SettingsResolver.configFile(Map.of(SettingsResolver.ENV_CONFIG, file.toString()))).contains(file);
        assertThatThrownBy(() -> SettingsResolver.configFile(Map.of(SettingsResolver.ENV_CONFIG,
                dir.resolve("missing").toString()))).hasMessageContaining("which is not a file");
    }

    @Test
    void configuredTakesTheEnvironmentItIsGivenAndItsConfigFileUnderTheProgramsChoices(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("impetus.properties");
        Files.writeString(file, "host=file-host\nvhost=filevh\n");
        Map<String, String> env = Map.of(SettingsResolver.ENV_AUTHKEY, "env-key", SettingsResolver.ENV_CONFIG,
                file.toString());

        ConnectionSettings s = SettingsResolver.configured(Map.of("user", "program"), env);

        assertThat(s.user()).isEqualTo("program");
        assertThat(s.authkey()).isEqualTo("env-key");
        assertThat(s.host()).isEqualTo("file-host");
        assertThat(s.vhost()).isEqualTo("filevh");
    }
}
