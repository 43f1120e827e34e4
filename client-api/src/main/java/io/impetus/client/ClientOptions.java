package io.impetus.client;

import static io.impetus.core.config.OptionCheck.present;
import static io.impetus.core.config.OptionCheck.require;

import io.impetus.client.internal.ClientEnvironment;
import io.impetus.client.internal.DurationSetting;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.security.SigningKey;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.stream.StreamId;
import io.impetus.core.topology.TopologyDeclarer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param maxOutstanding most jobs outstanding in all before {@code fork} waits
 * @param jobDeadline how long after it is due (its fork, plus its delay) a job's result may take
 *     before the job ends as an error ({@link ResultDeadlineException}), or {@code null} for no deadline
 * @param resultsExpiry how long this client's results queues may stay unused (the client gone)
 *     before RabbitMQ deletes them with whatever results they hold; {@link Duration#ZERO} for never
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
        SigningKey signingKey,
        int maxOutstanding,
        Duration jobDeadline,
        Duration resultsExpiry) {

    /** Where task files go unless chosen: {@code ./tasks}. */
    public static final Path DEFAULT_TASK_DIR = Path.of("tasks");
    /** How often the progress line may be printed unless chosen. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(1);
    /**
     * No job deadline unless chosen: a job may wait in its queue for as long as the stream's backlog,
     * {@code mss} and {@code maxRate} make it (hours, for a big run), which no deadline from the fork
     * can know; jobs that die are dead-lettered and their client told. Set one as a backstop.
     */
    public static final Duration DEFAULT_JOB_DEADLINE = null;
    /** An unused results queue goes after 7 days unless chosen: a weekend and then some for a rerun. */
    public static final Duration DEFAULT_RESULTS_EXPIRY = TopologyDeclarer.DEFAULT_RESULTS_EXPIRY;

    /** Validates every option; a bad one is refused naming the field and how to set it. */
    public ClientOptions {
        present(settings, "settings", "ClientOptions.builder().settings(s) (default: the environment and config file)");
        StreamId.check("client", clientId);
        StreamId.check("stream", stream);
        streamProperties = Map.copyOf(streamProperties);
        extraJars = Map.copyOf(extraJars);
        present(taskDir, "taskDir", "set --taskdir or ClientOptions.builder().taskDir(dir)");
        present(progressInterval, "progressInterval", "ClientOptions.builder().progressInterval(d)");
        present(out, "out", "ClientOptions.builder().out(System.out)");
        present(clock, "clock", "ClientOptions.builder().clock(Clock.systemUTC())");
        require(!progressInterval.isNegative(), "progressInterval", "zero or more", progressInterval,
                "ClientOptions.builder().progressInterval(d)");
        require(maxOutstanding >= 1, "maxOutstanding", "at least 1 job", maxOutstanding,
                "set IMPETUS_MAX_OUTSTANDING or ClientOptions.builder().maxOutstanding(n)");
        require(jobDeadline == null || !(jobDeadline.isZero() || jobDeadline.isNegative()), "jobDeadline",
                "positive (or null for none)", jobDeadline,
                "set --job-deadline (or IMPETUS_JOB_DEADLINE) or ClientOptions.builder().jobDeadline(d)");
        present(resultsExpiry, "resultsExpiry (Duration.ZERO for never)",
                "set --results-expiry (or IMPETUS_RESULTS_EXPIRY) or ClientOptions.builder().resultsExpiry(d)");
        require(!resultsExpiry.isNegative(), "resultsExpiry", "zero or more (zero for never)", resultsExpiry,
                "set --results-expiry (or IMPETUS_RESULTS_EXPIRY) or ClientOptions.builder().resultsExpiry(d)");
        require(resultsExpiry.isZero() || resultsExpiry.compareTo(Duration.ofMinutes(1)) >= 0, "resultsExpiry",
                "at least a minute (or zero for never): a client reconnecting after a broker restart would find"
                        + " its results gone", resultsExpiry,
                "set --results-expiry (or IMPETUS_RESULTS_EXPIRY) or ClientOptions.builder().resultsExpiry(d)");
    }

    /** Defaults: broker from the environment, random id, {@code ./tasks}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the seed-style command line of a client program: {@code -q HOST -p PORT -a AUTHKEY
     * --uri URI --vhost V --taskdir DIR --id ID --stream S --property key=value --job-deadline 10m
     * --results-expiry 7d}.
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
                case "--job-deadline" -> {
                    Duration d = DurationSetting.JOB_DEADLINE.parse(value);
                    b.jobDeadline(d.isZero() ? null : d);
                }
                case "--results-expiry" -> b.resultsExpiry(DurationSetting.RESULTS_EXPIRY.parse(value));
                case "--property" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1) {
                        throw new InvalidPropertyException(flag, "--property takes key=value, was '" + value + "'");
                    }
                    b.property(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> throw new InvalidPropertyException(flag, "unknown option " + flag + " (known: -q -p -a --uri"
                        + " --vhost --prefix --taskdir --id --stream --property --job-deadline --results-expiry)");
            }
        }
        return b.settings(SettingsResolver.configured(cli));
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
        private Integer maxOutstanding;
        private Duration jobDeadline;
        private boolean jobDeadlineSet;
        private Duration resultsExpiry;

        private Builder() {
        }

        /** Where RabbitMQ is; default: the environment, then the config file ({@code Impetus.connect()}'s). */
        public Builder settings(ConnectionSettings v) { settings = v; return this; }
        /** This client's id; default: a random one. */
        public Builder clientId(String v) { clientId = v; return this; }
        /** The stream to fork into; default: one named as the client, closed when the client finishes. */
        public Builder stream(String v) { stream = v; return this; }
        /** One stream property, in the seed's loose form ({@code "maxRate", 25}). */
        public Builder property(String key, Object value) { properties.put(key, value); return this; }
        /** Stream properties in the seed's loose form. */
        public Builder properties(Map<String, ?> v) { properties.putAll(v); return this; }
        /** Stream properties, typed. */
        public Builder streamProperties(StreamProperties v) { properties.putAll(v.toMap()); return this; }
        /** Where the task files go; default {@code ./tasks}. */
        public Builder taskDir(Path v) { taskDir = v; return this; }
        /** A jar shipped with the job code (name to bytes). */
        public Builder extraJar(String name, byte[] bytes) { extraJars.put(name, bytes); return this; }
        /** How often the progress line may be printed; default 1 s. */
        public Builder progressInterval(Duration v) { progressInterval = v; return this; }
        /** Where the client prints; default {@code System.out}. */
        public Builder out(PrintStream v) { out = v; return this; }
        /** The time source; default the system's. */
        public Builder clock(Clock v) { clock = v; return this; }
        /** The installation's signing key; default: {@code IMPETUS_SIGNING_KEY} or {@code IMPETUS_SIGNING_KEY_FILE}. */
        public Builder signingKey(SigningKey v) { signingKey = v; signingKeySet = true; return this; }
        /** Most jobs outstanding in all before {@code fork} waits; default {@code IMPETUS_MAX_OUTSTANDING}, else 10,000. */
        public Builder maxOutstanding(int v) { maxOutstanding = v; return this; }
        /**
         * How long after it is due a job's result may take before the job ends as an error
         * ({@link ResultDeadlineException}) and frees its place; {@code null} for none. Default
         * {@code IMPETUS_JOB_DEADLINE} ({@code 10m}, {@code 2h}, {@code off}), else none.
         */
        public Builder jobDeadline(Duration v) { jobDeadline = v; jobDeadlineSet = true; return this; }
        /**
         * How long the client's results queues stay unused before RabbitMQ deletes them; zero for
         * never. Default {@code IMPETUS_RESULTS_EXPIRY} ({@code 7d}, {@code 12h}, {@code off}), else 7 days.
         */
        public Builder resultsExpiry(Duration v) { resultsExpiry = v; return this; }

        /** The options, validated; the settings, id and signing key default as documented on each setter. */
        public ClientOptions build() {
            ConnectionSettings s = settings != null ? settings : SettingsResolver.configured(Map.of());
            String id = clientId != null ? clientId : StreamId.random();
            SigningKey key = signingKeySet ? signingKey : SigningKey.configured();
            ClientEnvironment env = ClientEnvironment.current(); // read here, once, and passed in
            return new ClientOptions(s, id, stream != null ? stream : id, properties, taskDir, extraJars,
                    progressInterval, out, clock, key,
                    maxOutstanding != null ? maxOutstanding : env.maxOutstandingOrDefault(),
                    jobDeadlineSet ? jobDeadline : configuredDeadline(env),
                    resultsExpiry != null ? resultsExpiry : env.resultsExpiryOr(DEFAULT_RESULTS_EXPIRY));
        }

        private static Duration configuredDeadline(ClientEnvironment env) {
            Duration d = env.jobDeadlineOrNone();
            return d.isZero() ? DEFAULT_JOB_DEADLINE : d;
        }
    }
}
