package io.impetus.cli;

import io.impetus.core.config.JvmCommand;
import io.impetus.core.config.JvmFlags;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM this command started on its own classpath, stopped with SIGTERM (then SIGKILL). */
final class ChildJvm {
    private final String name;
    private final Process process;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /** Starts {@code mainClass args} with {@code env} added; output to {@code log}, or inherited if null. */
    static ChildJvm start(String name, String mainClass, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        // a part of Impetus (coordinator, node, scaler) starts with its role's options
        JvmFlags.Role role = mainClass.equals(Impetus.class.getName()) && !args.isEmpty()
                ? JvmFlags.Role.ofCommand(args.get(0)) : null;
        ProcessBuilder pb = JvmCommand.of(mainClass).role(role, System.getenv()).args(args).env(env).processBuilder();
        if (log == null) {
            pb.inheritIO();
        } else {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return new ChildJvm(name, pb.start());
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** SIGTERM, wait up to {@code seconds}, then SIGKILL. Returns true if it stopped in time. */
    boolean stop(long seconds) throws InterruptedException {
        process.destroy();
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            return true;
        }
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return false;
    }
}
