package io.impetus.core.broker;

import io.impetus.core.error.InvalidPropertyException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of deliveries a process holds (taken, not yet settled), against a limit: a process's
 * memory is bounded per process, not per message (a prefetch of 80 jobs of up to 64 MiB each would
 * not fit a 256 MiB heap). When the bytes held go over the limit, every subscription consuming
 * within this budget stops taking deliveries (its consumer is cancelled; what it holds it keeps and
 * settles); when they fall to half the limit, they consume again. Messages already on their way
 * when the limit is crossed still arrive: at most a prefetch's worth per subscription. Thread-safe.
 */
public final class DeliveryBudget {
    private static final Logger log = LoggerFactory.getLogger(DeliveryBudget.class);
    public static final String ENV_MAX_BUFFERED_BYTES = "IMPETUS_MAX_BUFFERED_BYTES";
    /** Never less than this, whatever the heap: a small heap still takes a few ordinary jobs at a time. */
    public static final long MIN_LIMIT = 8L * 1024 * 1024;

    /** A subscription that can stop and start taking deliveries; told whenever the budget's state flips. */
    public interface Gate {
        /** Look at {@link #over()} and pause or resume accordingly (asynchronously, on the gate's own thread). */
        void refresh();
    }

    private final long limit;
    private final Set<Gate> gates = ConcurrentHashMap.newKeySet();
    private long held;
    private boolean over;

    public DeliveryBudget(long limit) {
        if (limit < 1) {
            throw new InvalidPropertyException(ENV_MAX_BUFFERED_BYTES, ENV_MAX_BUFFERED_BYTES
                    + " must be at least 1 byte, was " + limit);
        }
        this.limit = limit;
    }

    /** {@code IMPETUS_MAX_BUFFERED_BYTES} from {@code env}, else half of {@code maxHeap} (at least {@link #MIN_LIMIT}). */
    public static DeliveryBudget fromEnvironment(Map<String, String> env, long maxHeap) {
        String v = env.get(ENV_MAX_BUFFERED_BYTES);
        if (v == null || v.isBlank()) {
            return new DeliveryBudget(Math.max(MIN_LIMIT, maxHeap / 2));
        }
        try {
            return new DeliveryBudget(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidPropertyException(ENV_MAX_BUFFERED_BYTES, ENV_MAX_BUFFERED_BYTES
                    + " must be a whole number of bytes, was '" + v + "'");
        }
    }

    public long limit() {
        return limit;
    }

    public synchronized long held() {
        return held;
    }

    /** Whether subscriptions within this budget should take no more deliveries now. */
    public synchronized boolean over() {
        return over;
    }

    public void register(Gate gate) {
        gates.add(gate);
    }

    public void unregister(Gate gate) {
        gates.remove(gate);
    }

    /** A delivery of {@code bytes} was taken. */
    public void take(long bytes) {
        boolean flipped;
        long now;
        synchronized (this) {
            held += bytes;
            now = held;
            flipped = !over && held > limit;
            over |= flipped;
        }
        if (flipped) {
            log.info("deliveries held: {} bytes, over the budget of {} ({}): taking no more until half of it is"
                    + " settled", now, limit, ENV_MAX_BUFFERED_BYTES);
            gates.forEach(Gate::refresh);
        }
    }

    /** A delivery of {@code bytes} was settled (acked, rejected) or its channel is gone. */
    public void release(long bytes) {
        boolean flipped;
        long now;
        synchronized (this) {
            held = Math.max(0, held - bytes);
            now = held;
            flipped = over && held <= limit / 2;
            over &= !flipped;
        }
        if (flipped) {
            log.info("deliveries held: {} bytes, back under half the budget of {}: taking deliveries again", now, limit);
            gates.forEach(Gate::refresh);
        }
    }
}
