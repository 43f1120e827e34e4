package io.impetus.client.internal;

import io.impetus.core.config.OwnerOnly;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <taskdir>/<clientId>/forks.sent}: the id of every job the broker confirmed, one a line,
 * so that a rerun with the client id does not send again a job an earlier run sent (it waits for
 * its result instead). Only confirmed jobs are written: a job written here is in RabbitMQ, never
 * one lost before it got there. A journal that cannot be written costs a rerun only jobs sent
 * twice (the client keeps one result), so a failed write is logged, not thrown. Thread-safe.
 */
public final class ForkJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ForkJournal.class);
    static final String FILE = "forks.sent";

    private final Path file;
    private BufferedWriter out;
    private boolean warned;

    public ForkJournal(Path directory) {
        this.file = directory.resolve(FILE);
    }

    /** The ids an earlier run with this client id had sent; a torn last line (the process was killed) is skipped. */
    public static Set<String> read(Path directory) {
        Set<String> ids = new HashSet<>();
        Path f = directory.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return ids;
        }
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                if (IdSet.parse(line.trim()) != null) {
                    ids.add(line.trim());
                }
            }
        } catch (IOException e) {
            log.warn("cannot read {} ({}); jobs an earlier run sent will be sent again", f, e.getMessage());
        }
        return ids;
    }

    /** The broker confirmed these jobs. */
    public synchronized void sent(Collection<String> ids) {
        try {
            if (out == null) {
                out = Files.newBufferedWriter(OwnerOnly.file(file), StandardCharsets.US_ASCII,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            for (String id : ids) {
                out.write(id);
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                log.warn("cannot write {} ({}); a rerun with this id will send these jobs again", file, e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                log.debug("closing {}: {}", file, e.getMessage());
            }
            out = null;
        }
    }
}
