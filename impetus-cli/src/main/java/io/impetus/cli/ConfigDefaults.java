package io.impetus.cli;

import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.InvalidPropertyException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults of the daemon options from the environment ({@code IMPETUS_MPPS}, ...) and then the
 * config file ({@code mpps = 5}, ...), so that command line beats environment beats file beats
 * built-in default. Broker keys are resolved by {@link SettingsResolver} the same way.
 */
final class ConfigDefaults implements IDefaultValueProvider {
    /** Daemon keys: the long option name without dashes; env is IMPETUS_ + upper case with '_'. */
    static final Set<String> DAEMON_KEYS = Set.of("piddir", "logdir", "stop-timeout", "mpps", "max-workers", "warm-workers", "jobs-per-worker",
            "cache-dir", "data-dir", "provider", "policy", "min-nodes", "max-nodes", "interval", "cooldown", "hysteresis",
            "idle-time", "latency", "node-logdir", "http-port", "http-bind", "store-retention-days");

    private final Map<String, String> env;
    private final Properties file;

    ConfigDefaults(Map<String, String> env, Properties file) {
        this.env = env;
        this.file = file;
    }

    /** Finds the config file as BrokerOptions does: --config, IMPETUS_CONFIG, ./impetus.properties. */
    static ConfigDefaults load(String[] args, Map<String, String> env) {
        Path path = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                path = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (path == null) {
            path = SettingsResolver.configFile(env).orElse(null);
        }
        Properties props = new Properties();
        if (path != null) {
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException e) {
                throw new InvalidPropertyException("config", "cannot read config file " + path + ": " + e.getMessage());
            }
            for (String key : props.stringPropertyNames()) {
                String bare = key.startsWith("rabbitmq.") ? key.substring("rabbitmq.".length()) : key;
                if (!DAEMON_KEYS.contains(key) && !SettingsResolver.KEYS.contains(bare)) {
                    throw new InvalidPropertyException(key, "unknown key '" + key + "' in config file " + path
                            + " (known: " + List.copyOf(new TreeSet<>(allKeys())) + ")");
                }
            }
        }
        return new ConfigDefaults(env, props);
    }

    private static Set<String> allKeys() {
        Set<String> all = new HashSet<>(DAEMON_KEYS);
        all.addAll(SettingsResolver.KEYS);
        return all;
    }

    static String envName(String key) {
        return "IMPETUS_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^-+", "");
        if (!DAEMON_KEYS.contains(key)) {
            return null;
        }
        String fromEnv = env.get(envName(key));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        String fromFile = file.getProperty(key);
        return fromFile == null ? null : fromFile.trim();
    }
}
