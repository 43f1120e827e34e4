package io.impetus.scaler.provider;

import io.impetus.core.config.JvmCommand;
import io.impetus.core.config.OwnerOnly;
import io.impetus.core.loop.LocalHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node processes on this machine: {@code impetus node foreground -m MPPS} on the scaler's own
 * classpath, with the scaler's broker settings in their environment, logs under {@code logDir}, and the JVM
 * options the scaler's edge chose for a node ({@code JvmFlags.of(Role.NODE, env)}: nothing here reads the
 * environment).
 * Terminate sends SIGTERM (the node drains and exits) and waits.
 */
public final class LocalNodeProvider implements NodeProvider {
    private static final Logger log = LoggerFactory.getLogger(LocalNodeProvider.class);
    static final String LAUNCHER = "io.impetus.cli.Impetus";

    private final int mpps;
    private final List<String> jvmOptions;
    private final Map<String, String> env;
    private final Path logDir;
    private final Map<String, Process> nodes = new ConcurrentHashMap<>();
    private final String host;

    /**
     * @param jvmOptions each node JVM's options, before its main class
     * @param env variables added to each node's environment
     */
    public LocalNodeProvider(int mpps, List<String> jvmOptions, Map<String, String> env, Path logDir) {
        this.mpps = mpps;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.env = Map.copyOf(env);
        this.logDir = logDir;
        this.host = LocalHost.name();
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public List<String> launch(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                OwnerOnly.directory(logDir);
                ProcessBuilder pb = command().processBuilder().redirectErrorStream(true);
                Path logFile = logDir.resolve("node-" + System.nanoTime() + ".log");
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
                Process p = pb.start();
                String id = host + "-" + p.pid();
                nodes.put(id, p);
                ids.add(id);
                log.info("provider local: launched node {} (log {})", id, logFile);
            } catch (IOException e) {
                log.error("provider local: cannot start a node process: {}", e.toString());
            }
        }
        return ids;
    }

    /** The command line of a node process: its JVM options, then {@code impetus node foreground -m MPPS}. */
    JvmCommand command() {
        return JvmCommand.of(LAUNCHER).options(jvmOptions).args("node", "foreground", "-m", String.valueOf(mpps)).env(env);
    }

    @Override
    public List<String> list() {
        nodes.values().removeIf(p -> !p.isAlive());
        return List.copyOf(nodes.keySet());
    }

    @Override
    public void terminate(String nodeId) {
        Process p = nodes.remove(nodeId);
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                log.warn("provider local: node {} did not exit within 120 s; killing it", nodeId);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("provider local: node {} stopped", nodeId);
    }

    @Override
    public void close() {
        List.copyOf(nodes.keySet()).forEach(this::terminate);
    }
}
