package io.impetus.coordinator.store;

import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.StreamInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The coordinator's data: streams, code bundles, delayed jobs, and the lease that says which of
 * several coordinators sharing the store is the active one. Two implementations through JDBC: an
 * embedded H2 file (one machine, the default) and PostgreSQL (shared by coordinators on several
 * machines). Every write is committed before it returns, so a crash loses nothing acknowledged.
 *
 * <p>Every row belongs to a {@link #scope(String, String) scope}, an installation's vhost and topology
 * prefix: two installations sharing one database see none of each other's rows or leases. Lease times
 * are the database's clock, never a caller's. Writes that only the active coordinator may do go through
 * a {@link #fenced fenced} view, which checks the lease epoch in the same transaction. Implementations
 * are thread-safe. {@code StoreContract} in the tests holds both to this contract.
 */
public interface CoordinatorStore extends AutoCloseable {
    /** The scope of a store opened without one (tests, and the default vhost and prefix). */
    String DEFAULT_SCOPE = scope("/", "impetus");

    /** A job the coordinator holds until {@code due} (on the database's clock). */
    record DelayedJob(String id, String stream, Instant due, int priority, byte[] body) {
    }

    /**
     * A job that waits for {@code inputs} (ids of jobs of its stream), in that order; {@code body} is its envelope
     * without arguments, {@code policy} what an input's failure does (the coordinator's to read).
     */
    record Dependant(String id, String stream, String policy, int priority, List<String> inputs, byte[] body) {
    }

    /** A finished input: its id, whether it succeeded, and its finished envelope as it came from the node. */
    record InputResult(String id, boolean ok, byte[] finished) {
    }

    /** What a dependant whose inputs are all done becomes: a job to publish, or a failure to tell its client. */
    record Ready(byte[] body, boolean failed) {
    }

    /** Makes a dependant whose inputs are all done ready (called inside the store's transaction: no I/O). */
    @FunctionalInterface
    interface Readying {
        Ready ready(Dependant dependant, List<InputResult> inputs);
    }

    /** What {@link #removeOld} deleted. */
    record Removed(int streams, int leases) {
        public int total() {
            return streams + leases;
        }
    }

    /** An installation's scope: its vhost and topology prefix (a prefix holds no '/', so the last one splits them). */
    static String scope(String vhost, String prefix) {
        return vhost + "/" + prefix;
    }

    /**
     * Opens the store {@code location} names for the installation {@code scope}: {@code null}, empty or
     * {@code h2} for the embedded file under {@code dataDir}; a {@code jdbc:postgresql://} URL for a shared
     * PostgreSQL.
     */
    static CoordinatorStore open(String location, Path dataDir, String scope) {
        return JdbcStore.open(location, dataDir, scope, null);
    }

    /**
     * As {@link #open(String, Path, String)}, with {@code databaseClock} standing in for the database's
     * clock ({@code null}: the database's own): for tests that play pauses and skewed clocks.
     */
    static CoordinatorStore open(String location, Path dataDir, String scope, Clock databaseClock) {
        return JdbcStore.open(location, dataDir, scope, databaseClock);
    }

    /** The embedded H2 store under {@code directory}, default scope; only one process at a time may open it. */
    static CoordinatorStore open(Path directory) {
        return JdbcStore.open(null, directory, DEFAULT_SCOPE, null);
    }

    /** Where the store is, without any password, for logs. */
    String describe();

    /** The installation whose rows this store sees. */
    String scope();

    /**
     * A view of this store whose writes only the active coordinator may do (streams saved or marked
     * drained, bundles saved, delayed jobs held or claimed, old rows removed) each check, in their own
     * transaction, that lease {@code lease}'s epoch in the database is still {@code epoch}'s value; if it
     * is not, {@code onFenced} is told the stale epoch and the write throws {@link FencedException}
     * without changing anything. Reads, releases of published jobs and the leases themselves are not
     * fenced. Closing the view closes nothing.
     */
    CoordinatorStore fenced(String lease, LongSupplier epoch, LongConsumer onFenced);

    Optional<StreamInfo> stream(String id);

    List<StreamInfo> streams(boolean includeClosed);

    /**
     * The closed streams not yet {@linkplain #markDrained noted drained}: what the drained-streams pass looks at,
     * without reading (and decoding) the row of every open stream.
     */
    List<StreamInfo> closedStreamsNotDrained();

    /** Inserts or replaces a stream's record (and forgets that its queues were removed). */
    void saveStream(StreamInfo stream);

    /** Notes that a closed stream's queues were removed, at the database's now unless noted before. */
    void markDrained(String streamId);

    /** Stores a bundle (once; the id is its content hash). */
    void saveBundle(String bundleId, byte[] zip, Instant now);

    Optional<byte[]> bundle(String bundleId);

    /**
     * Holds a delayed job until {@code delay} from the database's now; holding the same id again
     * changes nothing (redelivery is harmless). Returns when it is due, or {@code null} when it was held already.
     */
    Instant holdJob(String id, String stream, Duration delay, int priority, byte[] body);

    /**
     * Claims the delayed jobs due at the database's now, earliest first, at most {@code limit}: marks
     * them with the fence's epoch and returns them (in a fenced view, only while that epoch is current).
     * A job claimed before and not yet released is claimed again: its publish failed, or the coordinator
     * that claimed it lost the lease.
     */
    List<DelayedJob> claimDueJobs(int limit);

    /**
     * How long from the database's now until the earliest held delayed job falls due (zero or less: one is due
     * now, claimed or not), or empty when none is held. One indexed read, not fenced: it claims nothing, so an idle
     * coordinator asks this instead of {@link #claimDueJobs}, whose fenced transaction is a write.
     */
    Optional<Duration> nextDueIn();

    /**
     * Tells {@code listener}, after each commit through any view of this store that held delayed jobs ({@link
     * #holdJob}, a dependant made ready, a schedule fired), how soon the earliest of them falls due (zero: now). A
     * hint for when to look for due jobs, on the caller's thread; it must return at once. One listener per open
     * store: a second replaces the first.
     */
    void onJobsHeld(Consumer<Duration> listener);

    /** How many delayed jobs a stream has waiting. */
    int delayedCount(String stream);

    /** Removes a job once published (or dead-lettered): a fact about the broker, so never fenced. */
    void releaseJob(String id);

    /**
     * Holds {@code dependant} until every one of its inputs is done (active only). Inputs already done count at
     * once; when none is left, {@code make} makes it ready and it is held as a delayed job due now, in the same
     * transaction. Registering the same id again changes nothing. Returns how many inputs it still waits for.
     *
     * @throws DependencyException (and changes nothing) for an input of another stream, an input named twice,
     *     a cycle, an unknown stream
     */
    int registerDependant(Dependant dependant, Readying make);

    /**
     * Records that the job {@code id} of {@code stream}, which other jobs may wait for, finished ({@code ok} or
     * not, {@code finished} its envelope), and counts it for every dependant waiting for it, in one transaction
     * (active only): a dependant with nothing left is made ready by {@code make} and held as a delayed job due
     * now; one that fails counts, in turn, as a failed input. The same id again changes nothing. Returns how
     * many dependants it released.
     */
    int inputDone(String id, String stream, boolean ok, byte[] finished, Readying make);

    /** How many inputs the dependant {@code id} still waits for; empty when it is unknown. */
    OptionalInt waitingFor(String id);

    /** What the store knows of a job: its stream, and whether it has {@code ended} (a recorded result). */
    record KnownJob(String stream, boolean ended) {
    }

    /**
     * What the store knows of job {@code id}: ended when its result is recorded (a job others may wait for, or a
     * dependant that failed), else not ended when it is held (delayed, or waiting for its inputs, or made ready
     * and not yet published); empty otherwise (a job queued in the broker, or one never forked).
     */
    Optional<KnownJob> knownJob(String id);

    /**
     * Records a cancel the active coordinator accepted (active only), before it is acknowledged and announced, so
     * that it outlives every coordinator; the same cancel again (stream, job, asker, time to the millisecond)
     * changes nothing.
     */
    void saveCancel(JobCancel cancel);

    /** The newest {@code max} cancels accepted at {@code since} or later (their times to the millisecond), oldest first. */
    List<JobCancel> cancels(Instant since, int max);

    /**
     * Deletes the cancels accepted longer than {@code keep} ago (on the database's clock) and those of streams whose
     * queues were removed (active only); returns how many went.
     */
    int removeOldCancels(Duration keep);

    /**
     * Takes or keeps the lease {@code name} for {@code holder} until {@code ttl} from the database's
     * now: granted when nobody holds it, when {@code holder} does, or when the last holder let it run
     * out. Returns the lease's epoch if {@code holder} holds it now, else empty. The epoch grows by one
     * each time the lease changes holder, and never goes back.
     */
    OptionalLong lease(String name, String holder, Duration ttl);

    /** Gives the lease up at once, if {@code holder} has it (a clean stop hands over without waiting). */
    void releaseLease(String name, String holder);

    /** How many leases whose name starts with {@code namePrefix} are held now (not run out). */
    int heldLeases(String namePrefix);

    /**
     * Deletes what is older than {@code retention} on the database's clock: closed streams whose queues
     * were removed that long ago, and leases whose name starts with {@code leasePrefix} that ran out that
     * long ago (coordinators long gone), and the rows of dependants released and of inputs done that long ago
     * (a dependant forked later than that cannot count such an input any more).
     */
    Removed removeOld(Duration retention, String leasePrefix);

    /** Inserts a schedule, or replaces its definition, paused flag and next occurrence (its history stays; active only). */
    void saveSchedule(ScheduleRecord schedule);

    Optional<ScheduleRecord> schedule(String id);

    /** Every schedule of this installation, by id. */
    List<ScheduleRecord> schedules();

    /** Deletes a schedule and its occurrence rows (active only); whether it existed. Jobs already held still run. */
    boolean deleteSchedule(String id);

    /** Pauses or resumes a schedule, with its next occurrence (active only); whether it exists. */
    boolean pauseSchedule(String id, boolean paused, Instant next);

    /**
     * Fires a schedule's occurrences as {@code firing} says, in one transaction (active only): each occurrence not
     * fired before gets its row under the unique key (schedule, occurrence) and its job among the delayed jobs, due
     * now; the schedule's next occurrence and counts move on. Returns how many jobs it added, or -1 (and changes
     * nothing) when the schedule is gone or its next occurrence is no longer {@code firing.expectedNext()}.
     */
    int fireSchedule(ScheduleRecord.Firing firing);

    /**
     * Gives up schedule {@code id}'s runs fired before {@code firedBefore} (coordinator's clock) that still have no
     * outcome (active only): their outcome becomes {@code lost}, the schedule's {@code lost} count grows. Returns
     * their job ids (none: nothing changed). A done notice that comes later still sets a lost run's outcome.
     */
    List<String> loseScheduleRuns(String id, Instant firedBefore);

    /** How many occurrence rows schedule {@code id} has: {all, finished} (for tests and reports). */
    long[] scheduleOccurrences(String id);

    @Override
    void close();
}
