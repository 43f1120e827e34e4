package io.impetus.coordinator.delay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids of the delayed jobs this coordinator published and released lately, at most {@link #KEPT}: a hold
 * message delivered again after its job went out (the coordinator that stored it was paused or cut off before
 * its ack reached the broker, which then gave the message to the one that took over and published the job)
 * finds no row left to say "held already", and must not be held, and run, a second time. Only a message the broker
 * marks redelivered is dropped so: a client sends a released job again, as a new message, when the stream's jobs
 * queue was deleted with it, and that one must be held again. The one that takes
 * such a redelivery is the active coordinator, which published the job itself, so memory is enough. Thread-safe.
 */
final class RecentlyReleased {
    /** How many ids are kept: far more than a coordinator publishes between a hold and its redelivery. */
    static final int KEPT = 100_000;

    private final Map<String, Boolean> ids;

    RecentlyReleased() {
        this(KEPT);
    }

    RecentlyReleased(int kept) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > kept;
            }
        };
    }

    synchronized void add(String id) {
        ids.put(id, Boolean.TRUE);
    }

    synchronized boolean contains(String id) {
        return ids.containsKey(id);
    }
}
