package io.impetus.client.internal;

import io.impetus.core.codec.TaskFileLine;
import io.impetus.core.config.OwnerOnly;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's task files: {@code <taskdir>/<clientId>/<stage>.ok} and {@code .err}, one job per
 * line as base64(zlib(JSON)), appended and flushed as results are delivered.
 */
public final class TaskFiles implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskFiles.class);
    private final Path directory;
    private final Map<String, BufferedWriter> writers = new LinkedHashMap<>();

    public TaskFiles(Path taskDir, String clientId, List<String> stages) {
        this.directory = taskDir.resolve(clientId);
        try {
            OwnerOnly.directory(directory);
            for (String stage : stages) {
                for (String kind : List.of(".ok", ".err")) {
                    Path file = OwnerOnly.file(directory.resolve(stage + kind));
                    dropTornLastLine(file);
                    writers.put(stage + kind, Files.newBufferedWriter(file,
                            StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
                }
            }
        } catch (IOException e) {
            throw new ImpetusException("cannot create task files in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cuts off a last line that a write did not finish (a full disk, a killed process): every line
     * ends in a newline, so bytes after the last one are a torn line. Its batch was never acked, so
     * its result comes again; left there, the next line appended would be glued to it, and a rerun
     * could not read the file.
     */
    static void dropTornLastLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                ch.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                ch.truncate(end);
                log.warn("task file {}: removed a torn last line ({} bytes) that a write did not finish (a full disk, a"
                        + " killed process); its result comes again", file, size - end);
            }
        }
    }

    public Path directory() {
        return directory;
    }

    public Path okFile(String stage) {
        return directory.resolve(stage + ".ok");
    }

    public Path errFile(String stage) {
        return directory.resolve(stage + ".err");
    }

    /** Appends each job to its stage's .ok or .err file and flushes. */
    public synchronized void append(String stage, List<JobEnvelope> jobs) {
        try {
            BufferedWriter ok = writers.get(stage + ".ok");
            BufferedWriter err = writers.get(stage + ".err");
            for (JobEnvelope job : jobs) {
                BufferedWriter w = job.status() == JobStatus.READY ? ok : err;
                w.write(TaskFileLine.encode(job));
                w.write('\n');
            }
            ok.flush();
            err.flush();
        } catch (IOException e) {
            throw new ImpetusException("cannot write task file of stage " + stage + " in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Ids of the jobs already in this client's task files (a client restarted with its id). */
    public static Set<String> deliveredIds(Path taskDir, String clientId) {
        Set<String> ids = new HashSet<>();
        Path dir = taskDir.resolve(clientId);
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ok") || p.toString().endsWith(".err")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                    if (!line.isBlank()) {
                        ids.add(TaskFileLine.decode(line).id());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ImpetusException("cannot read the task files in " + dir + ": " + e.getMessage(), e);
        }
        return ids;
    }

    @Override
    public synchronized void close() {
        for (BufferedWriter w : writers.values()) {
            try {
                w.close();
            } catch (IOException e) {
                // closing after a flush; nothing is lost
            }
        }
    }
}
