package io.impetus.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JVM options each long-running part starts with: heaps sized to what the part needs, the
 * serial collector (small heaps, one core's worth of work), small code caches and stacks, so a
 * node stays near 100 MB and a worker near 60 MB resident (docs/BENCHMARKS.md). An operator
 * replaces a role's options with {@code IMPETUS_<ROLE>_JAVA_OPTS} (say {@code IMPETUS_NODE_JAVA_OPTS}).
 * Used by every launcher of the parts: {@code ./impetus} ({@code main} prints them), and
 * {@link JvmCommand} (the command line of every JVM Impetus starts).
 */
public final class JvmFlags {
    /** A part that runs as its own JVM. */
    public enum Role {
        // C1 only: these parts spend their time in I/O; C1 code is small, compiled at once, and measured as fast
        // per job here as C2's after warm-up. The heaps may grow to hold a 64 MiB message, but only when one comes.
        COORDINATOR("-Xms16m", "-Xmx256m", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=96m"),
        NODE("-Xms16m", "-Xmx256m", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=96m"),
        SCALER("-Xms8m", "-Xmx128m", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=96m"),
        /** A node's worker process: fast to start (C1 only, class data sharing), the heap free to grow for the job's own needs. */
        WORKER("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss256k", "-Xms4m", "-Xmx256m",
                "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=128m", "-Xshare:auto");

        private final List<String> defaults;

        Role(String... defaults) {
            this.defaults = List.of(defaults);
        }

        /** The environment variable that replaces this role's options. */
        public String variable() {
            return "IMPETUS_" + name() + "_JAVA_OPTS";
        }

        /** The role a command or alias names ({@code coordinator}/{@code queue}, {@code node}/{@code worker}, {@code scaler}/{@code dfs}), or null. */
        public static Role ofCommand(String command) {
            return switch (command) {
                case "coordinator", "queue" -> COORDINATOR;
                case "node", "worker" -> NODE;
                case "scaler", "dfs" -> SCALER;
                default -> null;
            };
        }
    }

    /**
     * Environment every part is started with: two malloc arenas instead of eight per core (glibc),
     * which keeps the native memory of a many-threaded JVM from fragmenting into tens of MB.
     */
    public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    private JvmFlags() {
    }

    /** Adds {@link #ENVIRONMENT} to {@code env} where it is not set already. */
    public static void addEnvironment(Map<String, String> env) {
        ENVIRONMENT.forEach(env::putIfAbsent);
    }

    /** This role's options from {@code env} ({@link Role#variable()}), or its defaults. */
    public static List<String> of(Role role, Map<String, String> env) {
        String given = env.get(role.variable());
        if (given != null && !given.isBlank()) {
            return List.copyOf(Arrays.asList(given.trim().split("\\s+")));
        }
        return role.defaults;
    }

    /**
     * Prints the options of the role a command names, one line, for the {@code ./impetus} launcher
     * ({@code java $(java JvmFlags node) ... node foreground}); nothing for other commands.
     */
    public static void main(String[] args) {
        Role role = args.length == 0 ? null : Role.ofCommand(args[0].toLowerCase(Locale.ROOT));
        if (role != null) {
            System.out.println(String.join(" ", of(role, System.getenv()))); // a main: the edge
        }
    }
}
