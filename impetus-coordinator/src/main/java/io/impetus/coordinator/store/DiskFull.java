package io.impetus.coordinator.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store whose disk is full: recognised from the cause of a failed statement (the operating system's
 * "No space left on device" or "Disk quota exceeded" under H2's own errors), logged at ERROR when it
 * starts and at INFO when a transaction is committed again, rather than once per failed request.
 */
final class DiskFull {
    private static final Logger log = LoggerFactory.getLogger(DiskFull.class);
    private static final String[] SIGNS = {"No space left on device", "Disk quota exceeded"};

    /** Below this much usable space, an H2 file that failed for a full disk is not reopened (see {@link #checkSpace}). */
    static final long REOPEN_SPACE = 1 << 20;

    /** The folder of the store's H2 file, or {@code null} (a server's store: its disk is not ours to look at). */
    private final Path h2Directory;
    private final long reopenSpace;
    private final AtomicBoolean full = new AtomicBoolean();
    /** The reason the last write that failed for a full disk gave. */
    private volatile String reason;

    /** @param h2Directory the folder of the store's H2 file, or {@code null} for a database server */
    DiskFull(Path h2Directory) {
        this(h2Directory, REOPEN_SPACE);
    }

    DiskFull(Path h2Directory, long reopenSpace) {
        this.h2Directory = h2Directory;
        this.reopenSpace = reopenSpace;
    }

    /**
     * Refuses a call, before it asks for a connection, while the H2 file's disk has been found full and still has
     * under {@link #REOPEN_SPACE} (1 MB) free. H2 closes its file when a write fails for want of space and opens it again
     * on the next call; an opening that itself fails for want of space leaves H2's lock on the file held in this
     * JVM, and every later opening then fails ("The file is locked") even once space is freed. So the file is
     * opened again only once there is room to open it.
     */
    void checkSpace() throws SQLException {
        String why = full.get() ? reason : null;
        if (h2Directory == null || why == null) {
            return;
        }
        long usable;
        try {
            usable = Files.getFileStore(h2Directory).getUsableSpace();
        } catch (IOException e) {
            return; // cannot tell: let H2 try
        }
        if (usable < reopenSpace) {
            throw new SQLException("the store's file is not opened again until its disk has space", "HY000",
                    new IOException(why + " (" + usable + " bytes free under " + h2Directory + ")"));
        }
    }

    /** PostgreSQL's SQL state for a full disk on its server (disk_full). */
    private static final String POSTGRES_DISK_FULL = "53100";

    /** The operating system's words for a full disk somewhere in {@code e}'s causes, or {@code null}. */
    static String cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && POSTGRES_DISK_FULL.equals(sql.getSQLState())) {
                return "the database server's disk is full: " + sql.getMessage();
            }
            String m = t.getMessage();
            if (m != null && (t instanceof IOException || t.getClass().getName().startsWith("org.h2."))) {
                for (String sign : SIGNS) {
                    if (m.contains(sign)) {
                        return sign;
                    }
                }
            }
        }
        return null;
    }

    /**
     * {@code e}, or, when it is H2's "already in use" on an {@code h2} file whose disk this process saw full and has
     * not written since, {@code e} under that full disk's reason. H2 closes its file after a write fails for want of
     * space and reopens it on the next call; while the old handle is still being let go, the reopening says "already
     * in use". This process had the file open (its lock keeps any other coordinator out), so the reason is the
     * full disk, not a second coordinator.
     */
    SQLException explain(SQLException e, boolean h2) {
        String still = full.get() ? reason : null;
        if (!h2 || still == null || cause(e) != null || !alreadyInUse(e)) {
            return e;
        }
        return new SQLException(e.getMessage(), e.getSQLState(), e.getErrorCode(),
                new IOException(still + " (seen by an earlier write; H2 is reopening its file)", e));
    }

    /** H2's "Database may be already in use": its file is locked by another handle. */
    static boolean alreadyInUse(SQLException e) {
        return String.valueOf(e.getMessage()).contains("already in use");
    }

    void failed(String where, String what, String why) {
        reason = why;
        if (full.compareAndSet(false, true)) {
            log.error("data store: the disk under the {} is full ({}): writes fail (first: {}) until space is freed;"
                    + " nothing half-written is kept (each commit is written before it returns)", where, why, what);
        }
    }

    /** A transaction was committed: if the disk was full, it has space again. */
    void written(String where) {
        if (full.get() && full.compareAndSet(true, false)) {
            log.info("data store: the {} is written again after its disk was full", where);
        }
    }
}
