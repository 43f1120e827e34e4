package io.impetus.cli;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command finds RabbitMQ: the seed's {@code -q/-p/-a} plus {@code --uri}, {@code --vhost}
 * and {@code --config}. Command line beats environment beats config file beats defaults.
 */
public final class BrokerOptions {
    /** Where the config file is looked for when neither --config nor IMPETUS_CONFIG names one. */
    public static final Path DEFAULT_CONFIG = Path.of(SettingsResolver.DEFAULT_CONFIG);

    @Option(names = {"-q", "--queue"}, paramLabel = "HOST", description = "RabbitMQ host (default: localhost)")
    String host;

    @Option(names = {"-p", "--port", "--qport"}, paramLabel = "PORT", description = "RabbitMQ AMQP port (default: 5672)")
    Integer port;

    @Option(names = {"-a", "--authkey", "--qauthkey"}, paramLabel = "KEY",
            description = "authorization key: the RabbitMQ password of the impetus user (default: impetus)")
    String authkey;

    @Option(names = "--authkey-file", paramLabel = "FILE",
            description = "read the authorization key from FILE (keeps it off the command line)")
    Path authkeyFile;

    @Option(names = "--user", paramLabel = "USER", description = "RabbitMQ user (default: impetus)")
    String user;

    @Option(names = "--vhost", paramLabel = "VHOST", description = "RabbitMQ virtual host (default: /)")
    String vhost;

    @Option(names = "--uri", paramLabel = "URI",
            description = "whole broker URI, amqp://user:authkey@host:port/vhost (env IMPETUS_RABBITMQ_URI)")
    String uri;

    @Option(names = "--management-uri", paramLabel = "URI",
            description = "RabbitMQ management API base (default: http://HOST:15672)")
    String managementUri;

    @Option(names = "--config", paramLabel = "FILE",
            description = "config file (Java properties; env IMPETUS_CONFIG; default ./impetus.properties if present)")
    Path config;

    /** Resolves the settings from these options, the environment and the config file. */
    public ConnectionSettings resolve() {
        return resolve(System.getenv());
    }

    ConnectionSettings resolve(Map<String, String> env) {
        Map<String, String> cli = new HashMap<>();
        put(cli, "host", host);
        put(cli, "port", port == null ? null : port.toString());
        put(cli, "authkey", authkey != null ? authkey : readKey(authkeyFile));
        put(cli, "user", user);
        put(cli, "vhost", vhost);
        put(cli, "uri", uri);
        put(cli, "management.uri", managementUri);
        Path file = config != null ? config : SettingsResolver.configFile(env).orElse(null);
        Map<String, String> fromFile = file == null ? Map.of() : SettingsResolver.fromFile(file);
        return SettingsResolver.resolve(cli, SettingsResolver.fromEnvironment(env), fromFile);
    }

    /** The first line of a key file, or {@code null} without a file. */
    static String readKey(Path file) {
        return file == null ? null : SettingsResolver.readSecret(file, "authkey-file");
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
