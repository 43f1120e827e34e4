package io.impetus.client;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.security.SigningKey;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.stream.StreamId;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Client} runs. The seed's {@code Impetus(address, authkey, taskdir, id, **properties)}:
 * the broker settings, the task folder, the client id (random by default) and the stream's
 * properties. The stream's id defaults to the client's, as in the seed.
 *
 * @param settings where RabbitMQ is
 * @param clientId this client's id; reuse it to pick up results that arrived while away
 * @param stream the stream to fork into
 * @param streamProperties properties to create (or update) the stream with
 * @param taskDir where the task files go
 * @param extraJars jars (name to bytes) shipped with the job code
 * @param progressInterval how often the progress line may be printed
 * @param out where the client prints (My Id, progress, completion)
 * @param clock time source
 * @param signingKey the installation's signing key: jobs are signed and results checked with it;
 *     {@code null} when the installation signs nothing
 */
public record ClientOptions(
        ConnectionSettings settings,
        String clientId,
        String stream,
        Map<String, Object> streamProperties,
        Path taskDir,
        Map<String, byte[]> extraJars,
        Duration progressInterval,
        PrintStream out,
        Clock clock,
        SigningKey signingKey) {

    public static final Path DEFAULT_TASK_DIR = Path.of("tasks");
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(1);

    public ClientOptions {
        Objects.requireNonNull(settings, "settings");
        StreamId.check("client", clientId);
        StreamId.check("stream", stream);
        streamProperties = Map.copyOf(streamProperties);
        extraJars = Map.copyOf(extraJars);
    }

    /** Defaults: broker from the environment, random id, {@code ./tasks}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the seed-style command line of a client program: {@code -q HOST -p PORT -a AUTHKEY
     * --uri URI --vhost V --taskdir DIR --id ID --stream S --property key=value}.
     */
    public static Builder fromCommandLine(String... args) {
        Builder b = builder();
        Map<String, String> cli = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new InvalidPropertyException(flag, "option " + flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "-q", "--queue" -> cli.put("host", value);
                case "-p", "--port", "--qport" -> cli.put("port", value);
                case "-a", "--authkey", "--qauthkey" -> cli.put("authkey", value);
                case "--uri" -> cli.put("uri", value);
                case "--vhost" -> cli.put("vhost", value);
                case "--prefix" -> cli.put("prefix", value);
                case "--taskdir" -> b.taskDir(Path.of(value));
                case "--id" -> b.clientId(value);
                case "--stream" -> b.stream(value);
                case "--property" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1) {
                        throw new InvalidPropertyException(flag, "--property takes key=value, was '" + value + "'");
                    }
                    b.property(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> throw new InvalidPropertyException(flag, "unknown option " + flag + " (known: -q -p -a --uri"
                        + " --vhost --prefix --taskdir --id --stream --property)");
            }
        }
        return b.settings(SettingsResolver.resolve(cli, SettingsResolver.fromEnvironment(System.getenv()), Map.of()));
    }

    /** Collects options; {@link #build()} validates. */
    public static final class Builder {
        private ConnectionSettings settings;
        private String clientId;
        private String stream;
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private Path taskDir = DEFAULT_TASK_DIR;
        private final Map<String, byte[]> extraJars = new LinkedHashMap<>();
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        private PrintStream out = System.out;
        private Clock clock = Clock.systemUTC();
        private SigningKey signingKey;
        private boolean signingKeySet;

        public Builder settings(ConnectionSettings v) { settings = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder stream(String v) { stream = v; return this; }
        public Builder property(String key, Object value) { properties.put(key, value); return this; }
        public Builder properties(Map<String, ?> v) { properties.putAll(v); return this; }
        public Builder taskDir(Path v) { taskDir = v; return this; }
        public Builder extraJar(String name, byte[] bytes) { extraJars.put(name, bytes); return this; }
        public Builder progressInterval(Duration v) { progressInterval = v; return this; }
        public Builder out(PrintStream v) { out = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        /** The installation's signing key; default: {@code IMPETUS_SIGNING_KEY} or {@code IMPETUS_SIGNING_KEY_FILE}. */
        public Builder signingKey(SigningKey v) { signingKey = v; signingKeySet = true; return this; }

        public ClientOptions build() {
            ConnectionSettings s = settings != null ? settings
                    : SettingsResolver.resolve(Map.of(), SettingsResolver.fromEnvironment(System.getenv()), Map.of());
            String id = clientId != null ? clientId : StreamId.random();
            SigningKey key = signingKeySet ? signingKey : SigningKey.configured();
            return new ClientOptions(s, id, stream != null ? stream : id, properties, taskDir, extraJars,
                    progressInterval, out, clock, key);
        }
    }
}
