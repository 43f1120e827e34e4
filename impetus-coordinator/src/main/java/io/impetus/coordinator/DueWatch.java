package io.impetus.coordinator;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * When a polling loop step ({@link PublishDueJobs}, {@link FireSchedules}) next needs to ask the store: at once
 * after it was standing by, when the earliest due time it knows of has come, or {@link #QUIET} after its last
 * look (a safety net for what no hint told it of). It learns due times from its own looks ({@link #looked}) and
 * from hints ({@link #due}: a job written, a schedule changed). It only decides <em>when</em> the step asks; what
 * the step does then (claims under the lease's fence, publishes while the lease is held) is unchanged.
 *
 * <p>A hint given while a look is under way (after {@link #begin()}, before {@link #looked}) is kept: the look may
 * have read the store before the hinted write was committed. Hints are given after their commit, so one given
 * before a look began is seen by that look. Times are on a monotonic clock (relative durations from the store:
 * the database's clock need not agree with this process's). Thread-safe: hints come from other threads.
 */
final class DueWatch {
    /** The longest time between two looks while active, however quiet. */
    static final Duration QUIET = Duration.ofSeconds(1);

    private final LongSupplier nanos;
    private final long quiet;
    /** Whether this step has looked since it last stood by. */
    private boolean looked;
    private boolean dueKnown;
    private long dueAt;
    private long lookAt;
    /** The earliest hint given since the look under way began. */
    private boolean hintedKnown;
    private long hintedAt;

    DueWatch(LongSupplier nanos) {
        this(nanos, QUIET);
    }

    DueWatch(LongSupplier nanos, Duration quiet) {
        this.nanos = nanos;
        this.quiet = quiet.toNanos();
    }

    /** A hint: work falls due {@code in} from now (zero: now). */
    synchronized void due(Duration in) {
        long at = nanos.getAsLong() + Math.max(0, in.toNanos());
        if (!dueKnown || at - dueAt < 0) {
            dueAt = at;
            dueKnown = true;
        }
        if (!hintedKnown || at - hintedAt < 0) {
            hintedAt = at;
            hintedKnown = true;
        }
    }

    /** Whether the step should ask the store now. */
    synchronized boolean time() {
        long now = nanos.getAsLong();
        return !looked || now - lookAt >= 0 || (dueKnown && now - dueAt >= 0);
    }

    /** A look begins: hints from now on are kept past its {@link #looked}. */
    synchronized void begin() {
        hintedKnown = false;
    }

    /**
     * The look ended: {@code next} is how long until the earliest work it found falls due (zero or less: it found
     * work due now, so it looks again at the next pass), empty when it found none.
     */
    synchronized void looked(Optional<Duration> next) {
        long now = nanos.getAsLong();
        looked = true;
        lookAt = now + quiet;
        dueKnown = next.isPresent() || hintedKnown;
        if (next.isPresent()) {
            dueAt = now + Math.max(0, next.get().toNanos());
        }
        if (hintedKnown && (next.isEmpty() || hintedAt - dueAt < 0)) {
            dueAt = hintedAt;
        }
    }

    /**
     * The start of a poll's pass: whether it reads the store now. Never while standing by ({@code active} false: what
     * it knew is forgotten, so a pass after becoming active reads at once), nor before {@link #time}; when it returns
     * true the look has {@linkplain #begin begun}, and the pass ends it with {@link #looked}.
     */
    boolean startLook(boolean active) {
        if (!active) {
            forget();
            return false;
        }
        if (!time()) {
            return false;
        }
        begin();
        return true;
    }

    /** The step stands by: on becoming active again it looks at once (another holder may have written meanwhile). */
    synchronized void forget() {
        looked = false;
    }
}
