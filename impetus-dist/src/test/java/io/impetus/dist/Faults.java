package io.impetus.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The fault harness's scripts ({@code scripts/faults/}) for tests: a host in a network namespace to
 * cut off, slow down and heal, alarms, full disks. Needs root and {@code ip netns}: a test calls
 * {@link #require()} first, which skips it elsewhere, or fails it with {@code IMPETUS_FAULTS_REQUIRED=true}.
 */
final class Faults {
    static final String GATEWAY = "10.77.0.1";
    static final int POSTGRES = 5432;
    static final int RABBITMQ = 5672;
    private static final Path SCRIPTS = locate();

    private Faults() {
    }

    private static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("scripts/faults"))) {
                return dir.resolve("scripts/faults");
            }
        }
        return Path.of("scripts/faults");
    }

    /** Skips the calling test unless this is root with ip netns and iptables (fails instead when required). */
    static void require() {
        String missing = null;
        if (!Files.isDirectory(SCRIPTS)) {
            missing = "no scripts/faults folder above " + Path.of("").toAbsolutePath();
        } else if (!"root".equals(System.getProperty("user.name"))) {
            missing = "not root (the fault harness changes namespaces, filters and mounts)";
        } else {
            try {
                sh("ip", "netns", "list");
                sh("iptables", "-S", "INPUT");
            } catch (IOException e) {
                missing = "ip netns or iptables does not work here: " + e.getMessage();
            }
        }
        if (missing != null) {
            if ("true".equals(System.getenv("IMPETUS_FAULTS_REQUIRED"))) {
                throw new IllegalStateException(missing + ", but IMPETUS_FAULTS_REQUIRED=true");
            }
            Assumptions.abort("fault harness unavailable: " + missing);
        }
    }

    /** The command prefix that runs a program with its wall clock moved by {@code offset} (+10m, -30s; skew.sh, libfaketime). */
    static List<String> skewed(String offset) {
        return List.of(SCRIPTS.resolve("skew.sh").toString(), "run", offset);
    }

    /** Runs {@code scripts/faults/SCRIPT ARGS}; returns its output; throws on a non-zero exit. */
    static String script(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        return sh(command.toArray(String[]::new));
    }

    private static String sh(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        return out;
    }

    /** A namespace host (netns.sh up); closing it heals and removes it. */
    record Host(String name, String address) implements AutoCloseable {
        static Host up(String name) throws IOException {
            return new Host(name, script("netns.sh", "up", name));
        }

        /** The command prefix that runs a program inside this host. */
        List<String> prefix() {
            return List.of("ip", "netns", "exec", "impf-" + name);
        }

        /** {@code env} with every local address (127.0.0.1, localhost) replaced by the gateway's. */
        Map<String, String> env(Map<String, String> env) {
            Map<String, String> moved = new HashMap<>();
            env.forEach((k, v) -> moved.put(k, local(v)));
            return moved;
        }

        static String local(String v) {
            return v.replace("127.0.0.1", GATEWAY).replace("localhost", GATEWAY);
        }

        void cut() throws IOException {
            script("cut.sh", name);
        }

        void cut(int port) throws IOException {
            script("cut.sh", name, String.valueOf(port));
        }

        void slow(String delay, String jitter, String loss) throws IOException {
            script("slow.sh", name, delay, jitter, loss);
        }

        void heal() throws IOException {
            script("heal.sh", name);
        }

        @Override
        public void close() throws IOException {
            script("netns.sh", "down", name);
        }
    }
}
