package io.impetus.worker.process;

import io.impetus.core.config.JvmCommand;
import io.impetus.worker.child.Training;
import io.impetus.worker.child.WorkerMain;
import io.impetus.worker.protocol.Frames;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerUpdate;
import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.codec.Json;
import io.impetus.worker.protocol.WorkerTask;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's handle on one child worker JVM. Tasks go in on its stdin; outcomes come back on its
 * stdout and are handed to {@code onOutcome} on the worker's reader thread; when it exits,
 * {@code onExit} gets its exit code.
 * Its stderr (and the job's prints) go to the node's log.
 */
public final class WorkerProcess implements Worker {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);
    /**
     * First on every worker's command line: the JVM's own warnings (unified logging writes them to
     * stdout by default) go to stderr, where the node logs them, never into the frames on stdout.
     */
    static final List<String> QUIET_STDOUT = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");

    private final Process process;
    private final DataOutputStream stdin;
    private final int index;
    private final String stream;

    private WorkerProcess(Process process, int index, String stream) {
        this.process = process;
        this.index = index;
        this.stream = stream;
        this.stdin = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
    }

    /**
     * Starts a worker JVM and waits for its hello. Blocks for the JVM's start-up (a few hundred
     * ms): call it off the stream's loop.
     */
    public static WorkerProcess spawn(int index, String stream, List<String> jvmOptions, Path scratchRoot,
                                      Listener listener) throws IOException {
        return spawn(index, stream, jvmOptions, ClassPaths.ofThisJvm(), scratchRoot,
                listener);
    }

    /** As {@link #spawn(int, String, List, Path, Listener)}, on {@code classPath} (absolute). */
    static WorkerProcess spawn(int index, String stream, List<String> jvmOptions, String classPath, Path scratchRoot,
                               Listener listener) throws IOException {
        // a private scratch folder to work in, its own (a worker of the same index started while this one exits must not share it), removed on exit
        Path scratch = PrivateDirs.temp(PrivateDirs.ensure(scratchRoot), "worker-" + index + "-");
        ProcessBuilder pb = command(jvmOptions, classPath, scratch).processBuilder().directory(scratch.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            PrivateDirs.delete(scratch);
            throw e;
        }
        p.onExit().thenRun(() -> PrivateDirs.delete(scratch));
        WorkerProcess w = new WorkerProcess(p, index, stream);
        DataInputStream stdout = new DataInputStream(new BufferedInputStream(p.getInputStream()));
        WorkerOutcome hello = Frames.read(stdout, WorkerOutcome.class);
        if (hello == null || hello.jobId() != null) {
            p.destroyForcibly();
            throw new IOException("worker process " + p.pid() + " did not start (no hello on stdout)");
        }
        daemon("worker-" + p.pid() + "-out", () -> w.readOutcomes(stdout, listener)).start();
        daemon("worker-" + p.pid() + "-err", w::logStderr).start();
        return w;
    }

    /**
     * A worker's command line and environment, run in {@code scratch}. Job code must find no secret:
     * only an allowlisted environment, its home and temp folder the scratch folder. Its
     * {@code java.io.tmpdir} is the scratch folder too (Java does not read {@code TMPDIR}), so what
     * the worker and its jobs put in "the temp folder" goes when it exits.
     */
    static JvmCommand command(List<String> jvmOptions, String classPath, Path scratch) {
        return JvmCommand.of(WorkerMain.class.getName()).options(QUIET_STDOUT).options(jvmOptions)
                .property("java.io.tmpdir", scratch.toString()).classPath(classPath)
                .keepOnlyEnvironment(PrivateDirs.WORKER_ENV).env("HOME", scratch.toString())
                .env("TMPDIR", scratch.toString());
    }

    /**
     * The class path with every entry made absolute ({@code lib/*} stays a wildcard): a worker runs
     * in its own scratch folder, where a path relative to the node's folder would find nothing.
     */
    static String absoluteClassPath(String classPath) {
        List<String> out = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            boolean wildcard = entry.equals("*") || entry.endsWith(File.separator + "*");
            String base = wildcard ? entry.substring(0, entry.length() - 1) : entry;
            Path abs = Path.of(base.isEmpty() ? "." : base).toAbsolutePath().normalize();
            out.add(wildcard ? abs + File.separator + "*" : abs.toString());
        }
        return String.join(File.pathSeparator, out);
    }

    /** A spawner of worker JVMs started with {@code jvmOptions}, each in its own folder below {@code scratchRoot} (0700). */
    public static Spawner spawner(List<String> jvmOptions, Path scratchRoot) {
        return spawner(jvmOptions, scratchRoot, List::of);
    }

    /** As {@link #spawner(List, Path)}, with {@code more} options asked for at each start (the class archive's, once it exists). */
    public static Spawner spawner(List<String> jvmOptions, Path scratchRoot,
                                  Supplier<List<String>> more) {
        List<String> options = List.copyOf(jvmOptions);
        return new Spawner() {
            @Override
            public Worker spawn(int index, String stream, Listener listener) throws IOException {
                return WorkerProcess.spawn(index, stream, options(List.of()), scratchRoot, listener);
            }

            /** Trained before its hello: its first job costs a few ms instead of tens (BENCHMARKS.md, session 13). */
            @Override
            public Worker spawnBlank(int index, String stream, Listener listener) throws IOException {
                return WorkerProcess.spawn(index, stream, options(List.of("-D" + Training.PROPERTY + "=true")),
                        scratchRoot, listener);
            }

            private List<String> options(List<String> extra) {
                List<String> all = new ArrayList<>(options);
                all.addAll(more.get());
                all.addAll(extra);
                return all;
            }
        };
    }

    private void readOutcomes(DataInputStream stdout, Listener listener) {
        try {
            for (JsonNode frame = Frames.read(stdout, JsonNode.class); frame != null;
                 frame = Frames.read(stdout, JsonNode.class)) {
                if (WorkerUpdate.TYPE.equals(frame.path("type").asText(null))) {
                    listener.update(this, Json.convert(frame, WorkerUpdate.class));
                } else {
                    listener.outcome(this, Json.convert(frame, WorkerOutcome.class));
                }
            }
        } catch (Throwable e) {
            log.warn("worker {} sent something unreadable ({}); stopping it", pid(), e.toString());
            process.destroyForcibly();
        }
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        listener.exited(this, code);
    }

    private void logStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.info("worker {} {}: {}", index, pid(), line);
            }
        } catch (IOException e) {
            log.debug("stderr of worker {} closed: {}", pid(), e.toString());
        }
    }

    /** Sends a task; the outcome arrives through {@code onOutcome}. */
    @Override
    public synchronized void send(WorkerTask task) throws IOException {
        Frames.write(stdin, task);
    }

    /** Asks the worker to exit once its current job (if any) is done: closes its stdin. */
    @Override
    public synchronized void retire() {
        try {
            stdin.close();
        } catch (IOException e) {
            log.debug("closing stdin of worker {}: {}", pid(), e.toString());
        }
    }

    /** Kills the worker now (job timeout, node shutdown). */
    @Override
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public int index() {
        return index;
    }

    public String stream() {
        return stream;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
