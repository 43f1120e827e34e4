package io.impetus.core.security;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signed control-plane messages a receiver has accepted within the freshness window
 * ({@link Signatures#FRESHNESS}), so that an exact copy of one published again inside the window (a
 * replay by anyone who may publish there: a stream event, a {@code _lost} notice, a heartbeat, an
 * {@code acquire_permits} or {@code fetch_bundle} request) is refused rather than acted on twice. A
 * signature covers the message and its time of signing, so it names the message: that is what is kept.
 *
 * <p>Bounded twice: an entry is forgotten once its time of signing is older than the window (the
 * freshness check refuses a copy from then on), and at most {@code capacity} entries are kept — past
 * that the oldest go first, with one WARN line, so a flood costs memory only up to the bound.
 *
 * <p>A delivery the broker marks redelivered (a consumer gave it back or died before acking; a publisher
 * cannot set that flag) is let through: it is the same message given again, not a copy published anew.
 * Thread-safe.
 */
public final class ReplayGuard {
    private static final Logger log = LoggerFactory.getLogger(ReplayGuard.class);
    /** Enough for thousands of heartbeats and permit requests a minute over the whole window. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final Clock clock;
    private final int capacity;
    /** signature → the time after which the freshness check refuses its message anyway (epoch ms); oldest first */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    private long evicted;

    public ReplayGuard(Clock clock) {
        this(clock, DEFAULT_CAPACITY);
    }

    public ReplayGuard(Clock clock, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a replay guard keeps at least one signature, was given " + capacity);
        }
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * {@code check} of an event or notice {@code m}, refused if it is a valid one accepted before (a replay);
     * a valid one seen for the first time is remembered.
     */
    public SignatureCheck admit(SignatureCheck check, InboundMessage m) {
        return admit(check, m.header(Topology.SIGNATURE_HEADER), m.header(Topology.SIGNED_AT_HEADER), m.redelivered());
    }

    /**
     * {@code check} of a message carrying {@code signature} made at {@code signedAt} (epoch ms), refused if the
     * same signature was admitted before within the window, unless {@code redelivered} by the broker.
     */
    public SignatureCheck admit(SignatureCheck check, String signature, String signedAt, boolean redelivered) {
        if (!check.valid() || signature == null) {
            return check;
        }
        long at;
        try {
            at = Long.parseLong(signedAt);
        } catch (NumberFormatException e) {
            return SignatureCheck.refused(check.keyId(), "no time of signing");
        }
        long now = clock.millis();
        synchronized (this) {
            forgetExpired(now);
            Long known = seen.get(signature);
            if (known != null && known >= now) {
                if (redelivered) {
                    return check;
                }
                return SignatureCheck.refused(check.keyId(), "replayed: this exact signed message (signed at " + at
                        + ") was already accepted; a copy inside the freshness window of "
                        + Signatures.FRESHNESS.toMinutes() + " min is refused");
            }
            seen.remove(signature);
            seen.put(signature, at + Signatures.FRESHNESS.toMillis());
            if (seen.size() > capacity) {
                Iterator<String> oldest = seen.keySet().iterator();
                oldest.next();
                oldest.remove();
                if (evicted++ == 0) {
                    log.warn("replay guard full ({} signed messages within {} min): the oldest are forgotten early, so"
                            + " a replay of those would not be noticed; more signed traffic than expected",
                            capacity, Signatures.FRESHNESS.toMinutes());
                }
            }
        }
        return check;
    }

    /** How many signatures it holds now (tests, metrics). */
    public synchronized int size() {
        forgetExpired(clock.millis());
        return seen.size();
    }

    /**
     * Drops entries from the oldest while they are past their window. Entries arrive roughly in order of
     * signing; one signed later by a sender with a faster clock may keep a few expired ones behind it a little
     * longer, which the capacity bounds.
     */
    private void forgetExpired(long now) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() >= now) {
                return;
            }
            it.remove();
        }
    }
}
