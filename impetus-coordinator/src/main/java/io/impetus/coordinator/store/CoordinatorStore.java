package io.impetus.coordinator.store;

import io.impetus.core.rpc.StreamInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's data: streams, code bundles, delayed jobs, and the lease that says which of
 * several coordinators sharing the store is the active one. Two implementations through JDBC: an
 * embedded H2 file (one machine, the default) and PostgreSQL (shared by coordinators on several
 * machines). Every write is committed before it returns, so a crash loses nothing acknowledged.
 * Implementations are thread-safe. {@code StoreContract} in the tests holds both to this contract.
 */
public interface CoordinatorStore extends AutoCloseable {

    /** A job the coordinator holds until {@code due}. */
    record DelayedJob(String id, String stream, Instant due, int priority, byte[] body) {
    }

    /**
     * Opens the store {@code location} names: {@code null}, empty or {@code h2} for the embedded
     * file under {@code dataDir}; a {@code jdbc:postgresql://} URL for a shared PostgreSQL.
     */
    static CoordinatorStore open(String location, Path dataDir) {
        return JdbcStore.open(location, dataDir);
    }

    /** The embedded H2 store under {@code directory}; only one process at a time may open it. */
    static CoordinatorStore open(Path directory) {
        return JdbcStore.open(null, directory);
    }

    /** Where the store is, without any password, for logs. */
    String describe();

    Optional<StreamInfo> stream(String id);

    List<StreamInfo> streams(boolean includeClosed);

    /** Inserts or replaces a stream's record. */
    void saveStream(StreamInfo stream);

    /** Stores a bundle (once; the id is its content hash). */
    void saveBundle(String bundleId, byte[] zip, Instant now);

    Optional<byte[]> bundle(String bundleId);

    /** Holds a delayed job; holding the same id again changes nothing (redelivery is harmless). */
    void holdJob(DelayedJob job);

    /** Delayed jobs due at {@code now}, earliest first, at most {@code limit}. */
    List<DelayedJob> dueJobs(Instant now, int limit);

    /** How many delayed jobs a stream has waiting. */
    int delayedCount(String stream);

    void releaseJob(String id);

    /**
     * Takes or keeps the lease {@code name} for {@code holder} until {@code now + ttl}: granted when
     * nobody holds it, when {@code holder} does, or when the last holder let it run out. Returns
     * whether {@code holder} holds it now. Times are the callers' clocks: coordinators sharing a
     * store need clocks in step (NTP) to well under the ttl.
     */
    boolean lease(String name, String holder, Instant now, Duration ttl);

    /** Gives the lease up at once, if {@code holder} has it (a clean stop hands over without waiting). */
    void releaseLease(String name, String holder);

    /** How many leases whose name starts with {@code namePrefix} are held at {@code now} (not run out). */
    int heldLeases(String namePrefix, Instant now);

    @Override
    void close();
}
