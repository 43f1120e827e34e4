package io.impetus.dist;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real Impetus process (coordinator, node, example) started from the built distribution. */
final class Daemon implements AutoCloseable {
    static final Path LOGS = Path.of(System.getenv().getOrDefault("IMPETUS_TEST_BUILD_DIR", "target"), "it-logs");

    private final Process process;
    private final Path log;

    private Daemon(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code impetus ARGS} in the background, env added, output to target/it-logs/NAME.log. */
    static Daemon impetus(String name, Map<String, String> env, String... args) throws IOException {
        return java(name, "io.impetus.cli.Impetus", env, args);
    }

    static Daemon java(String name, String mainClass, Map<String, String> env, String... args) throws IOException {
        return java(List.of(), name, Launcher.LIB + File.separator + "*", mainClass, env, args);
    }

    /** {@code impetus ARGS} with {@code prefix} before the java command (e.g. ip netns exec NS, for the fault harness). */
    static Daemon impetusWith(List<String> prefix, String name, Map<String, String> env, String... args)
            throws IOException {
        return java(prefix, name, Launcher.LIB + File.separator + "*", "io.impetus.cli.Impetus", env, args);
    }

    /** A class of the tests themselves (target/test-classes) as a process, with the distribution. */
    static Daemon testClass(String name, Class<?> mainClass, Map<String, String> env, String... args) throws IOException {
        return testClassWith(List.of(), name, mainClass, env, args);
    }

    /** {@link #testClass} with {@code prefix} before the java command. */
    static Daemon testClassWith(List<String> prefix, String name, Class<?> mainClass, Map<String, String> env,
            String... args) throws IOException {
        String classes = Path.of(System.getenv().getOrDefault("IMPETUS_TEST_BUILD_DIR", "target"), "test-classes")
                .toString();
        return java(prefix, name, classes + File.pathSeparator + Launcher.LIB + File.separator + "*", mainClass.getName(), env,
                args);
    }

    private static Daemon java(List<String> prefix, String name, String classpath, String mainClass, Map<String, String> env, String... args)
            throws IOException {
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(name + ".log");
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Launcher.javaBin(), "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new Daemon(pb.start(), log);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** Waits for it to exit by itself; returns its exit code. */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(log + ": did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait (then SIGKILL). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
