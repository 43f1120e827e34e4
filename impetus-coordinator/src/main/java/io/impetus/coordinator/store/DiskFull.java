package io.impetus.coordinator.store;

import java.io.IOException;
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

    private final AtomicBoolean full = new AtomicBoolean();

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

    void failed(String where, String what, String why) {
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
