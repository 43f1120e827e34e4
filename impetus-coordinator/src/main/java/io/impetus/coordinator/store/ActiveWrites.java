package io.impetus.coordinator.store;

import io.impetus.core.error.ImpetusException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The writes only the active coordinator may do. In a fenced view each is checked against the lease epoch it
 * holds, in the write's own transaction: a stale epoch writes nothing, tells {@code onFenced} and throws
 * {@link FencedException}. Unfenced, each is a plain transaction.
 */
final class ActiveWrites {
    /** What a fenced view checks: the lease, the epoch it holds, whom to tell when it is stale. */
    private record Fence(String lease, LongSupplier epoch, LongConsumer onFenced) {
    }

    private final Database db;
    private final LeaseTable leases;
    private final Fence fence;

    private ActiveWrites(Database db, LeaseTable leases, Fence fence) {
        this.db = db;
        this.leases = leases;
        this.fence = fence;
    }

    static ActiveWrites unfenced(Database db, LeaseTable leases) {
        return new ActiveWrites(db, leases, null);
    }

    ActiveWrites fenced(String lease, LongSupplier epoch, LongConsumer onFenced) {
        return new ActiveWrites(db, leases, new Fence(lease, epoch, onFenced));
    }

    boolean isFenced() {
        return fence != null;
    }

    /** The epoch this view writes under: the lease's, read now; 0 unfenced. */
    long epoch() {
        return fence == null ? 0 : fence.epoch().getAsLong();
    }

    /**
     * Runs {@code write} in a transaction and returns what it returned; in a fenced view only while the lease
     * epoch it holds is current.
     */
    <T> T run(String what, Database.Work<T> write) {
        if (fence == null) {
            return db.transaction(what, write);
        }
        long epoch = fence.epoch().getAsLong();
        List<T> written = new ArrayList<>(1);
        boolean current = db.transaction(what, c -> {
            if (!leases.current(c, fence.lease(), epoch)) {
                return false;
            }
            written.add(write.apply(c));
            return true;
        });
        if (!current) {
            fence.onFenced().accept(epoch);
            throw new FencedException(epoch);
        }
        return written.get(0);
    }

    /**
     * An active-only insert of a row that may exist already (same key, same content): then it changes
     * nothing, also when another connection inserted it at the same moment (the key's violation).
     */
    void insertOnce(String what, Database.Work<Object> insert) {
        try {
            run(what, insert);
        } catch (ImpetusException e) {
            if (!(e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState()))) {
                throw e;
            }
        }
    }
}
