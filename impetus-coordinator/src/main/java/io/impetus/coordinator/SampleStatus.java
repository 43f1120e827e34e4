package io.impetus.coordinator;

import io.impetus.coordinator.status.StatusPage;
import java.time.Duration;

/**
 * Loop step: takes a sample for the status page's chart and the per-stream queue counts its
 * {@code /api/status} serves (one bulk call of the management API for every queue). Every
 * {@link #EVERY} on a thread of its own: the management API may take 5 s to connect and 5 s to read per URI,
 * which must delay no other step.
 */
final class SampleStatus {
    static final Duration EVERY = Duration.ofSeconds(StatusPage.SAMPLE_SECONDS);

    private final StatusPage page;

    SampleStatus(StatusPage page) {
        this.page = page;
    }

    void runOnce() {
        page.sample();
    }
}
