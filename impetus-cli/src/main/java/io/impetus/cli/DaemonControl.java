package io.impetus.cli;

import io.impetus.core.config.JvmCommand;
import io.impetus.core.config.JvmFlags;
import io.impetus.core.config.OwnerOnly;
import io.impetus.core.error.ImpetusException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * start, stop and restart of a daemon the seed's way: {@code start} runs {@code <command>
 * foreground} detached, with {@code <piddir>/<Name>.pid} and {@code <logdir>/<Name>.out|.err};
 * {@code stop} sends SIGTERM and waits (then SIGKILL, with a warning).
 */
final class DaemonControl {
    static final long READY_TIMEOUT_SECONDS = 60;

    private final String name;
    private final DaemonOptions options;
    private final PrintWriter out;

    DaemonControl(String name, DaemonOptions options, PrintWriter out) {
        this.name = name;
        this.options = options;
        this.out = out;
    }

    Path pidFile() {
        return options.piddir.resolve(name + ".pid");
    }

    /** The running daemon of this pid file, if any; a stale pid file is removed. */
    Optional<ProcessHandle> running() throws IOException {
        Path pid = pidFile();
        if (!Files.isRegularFile(pid)) {
            return Optional.empty();
        }
        Optional<ProcessHandle> p;
        try {
            p = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()));
        } catch (NumberFormatException e) {
            p = Optional.empty();
        }
        // the pid is ours if that process started before its pid file was written (else the pid was reused)
        Instant written = Files.getLastModifiedTime(pid).toInstant();
        if (p.isPresent() && p.get().isAlive() && p.get().info().startInstant()
                .map(started -> !started.isAfter(written.plusSeconds(2))).orElse(true)) {
            return p;
        }
        Files.deleteIfExists(pid);
        out.printf("impetus %s: removed the stale pid file %s%n", name.toLowerCase(Locale.ROOT), pid);
        return Optional.empty();
    }

    /** Starts {@code foregroundArgs} detached; returns once it is up, or fails with its own words. */
    int start(List<String> foregroundArgs) throws IOException, InterruptedException {
        Optional<ProcessHandle> already = running();
        if (already.isPresent()) {
            out.printf("impetus %s: already running (pid %d, %s)%n", lower(), already.get().pid(), pidFile());
            return Impetus.FAILURE;
        }
        OwnerOnly.directory(options.piddir);
        OwnerOnly.directory(options.logdir);
        Path ready = options.piddir.resolve(name + ".ready");
        Files.deleteIfExists(ready);
        // secrets go to the daemon in a 0600 file it deletes, never on its command line or in its environment
        Map<String, String> secrets = new LinkedHashMap<>();
        ProcessBuilder builder = JvmCommand.of(Impetus.class.getName())
                .role(JvmFlags.Role.ofCommand(foregroundArgs.isEmpty() ? "" : foregroundArgs.get(0)), System.getenv())
                .args(DaemonSecrets.strip(foregroundArgs, secrets)).args("--ready-file", ready.toString())
                .processBuilder();
        DaemonSecrets.takeFromEnvironment(builder.environment(), secrets);
        if (!secrets.isEmpty()) {
            builder.command().addAll(List.of("--secrets-file",
                    DaemonSecrets.write(options.piddir, name, secrets).toString()));
        }
        Path outLog = OwnerOnly.file(options.logdir.resolve(name + ".out"));
        Path errLog = OwnerOnly.file(options.logdir.resolve(name + ".err"));
        Process p = builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outLog.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(errLog.toFile())).start();
        Files.writeString(pidFile(), p.pid() + "\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(ready)) {
                Files.deleteIfExists(ready);
                out.printf("impetus %s: started (pid %d); logs in %s and %s%n", lower(), p.pid(), outLog, errLog);
                return 0;
            }
            if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                Files.deleteIfExists(pidFile());
                out.printf("impetus %s: did not start (exit %d): %s%n", lower(), p.exitValue(), lastLine(errLog));
                return Impetus.FAILURE;
            }
        }
        out.printf("impetus %s: still starting after %d s (pid %d); see %s%n", lower(), READY_TIMEOUT_SECONDS, p.pid(),
                errLog);
        return Impetus.FAILURE;
    }

    /** SIGTERM, wait up to the stop timeout, then SIGKILL with a warning. */
    int stop() throws IOException {
        Optional<ProcessHandle> p = running();
        if (p.isEmpty()) {
            out.printf("impetus %s: not running (no live pid in %s)%n", lower(), pidFile());
            return Impetus.FAILURE;
        }
        ProcessHandle h = p.get();
        h.destroy();
        out.printf("impetus %s: stopping pid %d (SIGTERM)%n", lower(), h.pid());
        out.flush();
        try {
            h.onExit().get(options.stopTimeout, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            out.printf("impetus %s: WARNING pid %d did not exit within %d s; killing it (SIGKILL)%n", lower(), h.pid(),
                    options.stopTimeout);
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        } catch (Exception e) {
            throw new ImpetusException("waiting for pid " + h.pid() + " to exit: " + e, e);
        }
        Files.deleteIfExists(pidFile());
        out.printf("impetus %s: stopped%n", lower());
        return 0;
    }

    /** Called by the foreground daemon once it is up. */
    static void markReady(DaemonOptions options) throws IOException {
        if (options.readyFile != null) {
            Files.writeString(options.readyFile, String.valueOf(ProcessHandle.current().pid()));
        }
    }

    private String lower() {
        return name.toLowerCase(Locale.ROOT);
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String lastLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).strip();
            }
        }
        return "(empty log " + log + ")";
    }
}
