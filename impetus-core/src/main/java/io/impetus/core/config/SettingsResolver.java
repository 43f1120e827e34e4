package io.impetus.core.config;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.topology.Topology;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds {@link ConnectionSettings} from four layers, strongest first: command line,
 * environment, config file, defaults. Each layer may give a whole {@code uri} and single keys
 * ({@code host}, {@code port}, {@code user}, {@code authkey}, {@code vhost}); a single key
 * overrides the matching part of a URI from the same or a weaker layer, never from a stronger
 * one (so {@code -a KEY} beats the password in {@code IMPETUS_RABBITMQ_URI}, but a config file's
 * authkey does not).
 *
 * <p>A {@code uri} may list the nodes of one cluster, comma-separated
 * ({@code amqp://u:p@10.0.0.1:5672/v,amqp://u:p@10.0.0.2:5672/v}): every URI after the first must
 * have the same scheme, and the same user, password and vhost or none (then it shares the first
 * one's), and gives one more node to try. The
 * {@code management.uri} takes a list the same way.
 */
public final class SettingsResolver {
    public static final String ENV_URI = "IMPETUS_RABBITMQ_URI";
    public static final String ENV_AUTHKEY = "IMPETUS_AUTHKEY";
    public static final String ENV_VHOST = "IMPETUS_VHOST";
    public static final String ENV_MANAGEMENT_URI = "IMPETUS_MANAGEMENT_URI";
    public static final String ENV_PREFIX = "IMPETUS_PREFIX";
    public static final String ENV_CONFIG = "IMPETUS_CONFIG";
    /** The config file read when {@code IMPETUS_CONFIG} names none (and the command line neither). */
    public static final String DEFAULT_CONFIG = "impetus.properties";

    /** Keys understood in every layer (config-file keys are the same names). */
    public static final List<String> KEYS =
            List.of("uri", "host", "port", "user", "authkey", "vhost", "management.uri", "prefix");

    private SettingsResolver() {
    }

    /** Layer values from the environment, by the documented variable names. */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> layer = new HashMap<>();
        putIfSet(layer, "uri", env.get(ENV_URI));
        putIfSet(layer, "authkey", env.get(ENV_AUTHKEY));
        putIfSet(layer, "vhost", env.get(ENV_VHOST));
        putIfSet(layer, "management.uri", env.get(ENV_MANAGEMENT_URI));
        putIfSet(layer, "prefix", env.get(ENV_PREFIX));
        return layer;
    }

    /** Layer values from a Java properties file; unknown keys are refused by name. */
    public static Map<String, String> fromFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new InvalidPropertyException("config", "cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> layer = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            String bare = key.startsWith("rabbitmq.") ? key.substring("rabbitmq.".length()) : key;
            if (KEYS.contains(bare)) {
                putIfSet(layer, bare, props.getProperty(key).trim());
            }
        }
        return layer;
    }

    /**
     * The secret in {@code file}: its first line, stripped (a password or key file as an operator
     * writes one, with or without a newline).
     *
     * @param key the setting it is for, named in the error
     * @throws InvalidPropertyException when the file cannot be read or its first line is empty
     */
    public static String readSecret(Path file, String key) {
        String text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidPropertyException(key, "cannot read the " + key + " " + file + ": " + e.getMessage());
        }
        if (text.isEmpty()) {
            throw new InvalidPropertyException(key, "the " + key + " " + file + " is empty");
        }
        return text;
    }

    /** The config file of a program: {@code IMPETUS_CONFIG}, else {@code ./impetus.properties} if there is one. */
    public static Optional<Path> configFile(Map<String, String> env) {
        String named = env.get(ENV_CONFIG);
        if (named != null && !named.isBlank()) {
            Path file = Path.of(named);
            if (!Files.isRegularFile(file)) {
                throw new InvalidPropertyException("config", ENV_CONFIG + " names " + file + ", which is not a file");
            }
            return Optional.of(file);
        }
        Path local = Path.of(DEFAULT_CONFIG);
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }

    /**
     * The settings of this process: {@code explicit} (the program's own choices, as layer keys) over
     * its environment, read now, over the config file ({@link #configFile}) over the defaults.
     *
     *
     * <p>The edge of a program that embeds Impetus: the default of the client's builders ({@code ClientOptions},
     * {@code Impetus.builder()}) when the program passes no settings, read once at {@code build()}. Processes that
     * Impetus starts itself read the environment in their {@code main} and pass it: {@link #configured(Map, Map)}.
     */
    public static ConnectionSettings configured(Map<String, String> explicit) {
        return configured(explicit, System.getenv());
    }

    /**
     * The settings {@code explicit} (the program's own choices, as layer keys) gives over {@code env} over the
     * config file ({@link #configFile} of {@code env}) over the defaults.
     */
    public static ConnectionSettings configured(Map<String, String> explicit, Map<String, String> env) {
        return resolve(explicit, fromEnvironment(env), configFile(env).map(SettingsResolver::fromFile).orElse(Map.of()));
    }

    /** Resolves the layers, strongest first; any may be empty. */
    public static ConnectionSettings resolve(Map<String, String> cli, Map<String, String> env,
                                             Map<String, String> file) {
        List<Map<String, String>> layers = List.of(cli, env, file);
        ConnectionSettings d = ConnectionSettings.defaults();
        String host = d.host();
        int port = d.port();
        String user = d.user();
        String authkey = d.authkey();
        String vhost = d.vhost();
        boolean tls = false;

        int uriRank = layers.size(); // rank of the layer that gave the URI; lower is stronger
        for (int rank = layers.size() - 1; rank >= 0; rank--) {
            String uri = layers.get(rank).get("uri");
            if (uri != null) {
                uriRank = rank;
            }
        }
        List<String> alternates = new ArrayList<>();
        if (uriRank < layers.size()) {
            List<URI> all = parseList(layers.get(uriRank).get("uri"));
            URI uri = all.get(0);
            for (URI other : all.subList(1, all.size())) {
                // a later node may leave out the user, password and vhost: it shares the first one's
                if (!Objects.equals(other.getScheme(), uri.getScheme())
                        || other.getRawUserInfo() != null && !other.getRawUserInfo().equals(uri.getRawUserInfo())
                        || !vhostPath(other).isEmpty() && !vhostPath(other).equals(vhostPath(uri))) {
                    throw new InvalidPropertyException("uri", "every URI in the list must name the same scheme, user,"
                            + " password and vhost (the nodes of one cluster); '" + redact(other.toString())
                            + "' differs from '" + redact(uri.toString()) + "'");
                }
                alternates.add(other.getHost() + ":" + (other.getPort() > 0 ? other.getPort()
                        : "amqps".equals(other.getScheme()) ? ConnectionSettings.DEFAULT_TLS_PORT
                        : ConnectionSettings.DEFAULT_PORT));
            }
            tls = "amqps".equals(uri.getScheme());
            host = uri.getHost();
            port = uri.getPort() > 0 ? uri.getPort() : (tls ? ConnectionSettings.DEFAULT_TLS_PORT : ConnectionSettings.DEFAULT_PORT);
            String info = uri.getRawUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                user = decode(colon < 0 ? info : info.substring(0, colon));
                if (colon >= 0) {
                    authkey = decode(info.substring(colon + 1));
                }
            }
            String path = uri.getRawPath();
            if (path != null && path.length() > 1) {
                vhost = decode(path.substring(1));
            }
        }
        host = strongest(layers, "host", uriRank, host);
        String portText = strongest(layers, "port", uriRank, null);
        if (portText != null) {
            port = parsePort(portText);
        }
        user = strongest(layers, "user", uriRank, user);
        authkey = strongest(layers, "authkey", uriRank, authkey);
        vhost = strongest(layers, "vhost", uriRank, vhost);
        String management = strongest(layers, "management.uri", layers.size(), null);
        String prefix = strongest(layers, "prefix", layers.size(), Topology.DEFAULT_PREFIX);
        List<URI> managements = management == null ? List.of() : parseList(management);
        return new ConnectionSettings(host, port, user, authkey, vhost, tls,
                managements.isEmpty() ? null : managements.get(0), new Topology(prefix), alternates,
                managements.isEmpty() ? List.of() : managements.subList(1, managements.size()));
    }

    private static String vhostPath(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.length() <= 1 ? "" : path;
    }

    /** A comma-separated list of URIs, at least one. */
    private static List<URI> parseList(String text) {
        List<URI> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new InvalidPropertyException("uri", "empty entry in the URI list '" + redact(text) + "'");
            }
            out.add(parse(part));
        }
        return out;
    }

    /** The value of {@code key} from the strongest layer at or stronger than {@code bound}. */
    private static String strongest(List<Map<String, String>> layers, String key, int bound, String fallback) {
        for (int rank = 0; rank < layers.size(); rank++) {
            String v = layers.get(rank).get(key);
            if (v != null && rank <= bound) {
                return v;
            }
        }
        return fallback;
    }

    private static URI parse(String text) {
        try {
            URI uri = new URI(text.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(text, "expected scheme://[user:pass@]host[:port][/vhost]");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidPropertyException("uri", "not a valid URI '" + redact(text) + "': "
                    + redact(String.valueOf(e.getReason())));
        }
    }

    /** {@code text} with the password of any {@code scheme://user:password@} in it replaced by {@code ***}. */
    public static String redact(String text) {
        return text == null ? null : text.replaceAll("(?i)([a-z][a-z0-9+.-]*://[^:/@\\s]*):[^@\\s]*@", "$1:***@");
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidPropertyException("port", "broker port must be a number, was '" + text + "'");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void putIfSet(Map<String, String> layer, String key, String value) {
        if (value != null && !value.isBlank()) {
            layer.put(key, value);
        }
    }
}
