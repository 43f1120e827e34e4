package io.impetus.worker.stream;

import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.Permits;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start permits of a stream with a {@code maxRate}, asked of the coordinator in batches (one
 * request in flight at a time). Used from the runner's mailbox; answers come back through
 * {@code post}. Every answer, an error reply or a failure included, clears the request in
 * flight, so the stream asks again rather than waiting for ever.
 */
final class StartPermits {
    private static final Logger log = LoggerFactory.getLogger(StartPermits.class);
    static final long RETRY_AFTER_FAILURE_MS = 1000;

    private final String stream;
    private final RunnerContext ctx;
    private final Consumer<Runnable> post;
    private final Runnable dispatch;
    private int permits;
    private boolean requested;

    StartPermits(String stream, RunnerContext ctx, Consumer<Runnable> post, Runnable dispatch) {
        this.stream = stream;
        this.ctx = ctx;
        this.post = post;
        this.dispatch = dispatch;
    }

    /** Takes a permit; without one, asks for {@code wanted} and returns false (dispatch runs again later). */
    boolean take(int wanted) {
        if (permits > 0) {
            permits--;
            return true;
        }
        if (!requested) {
            requested = true;
            CompletableFuture<Permits> answer;
            try {
                answer = ctx.control().send(new ControlRequest.AcquirePermits(stream, wanted))
                        .thenApply(reply -> reply.bodyAs(Permits.class));
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((p, e) -> post.accept(() -> answered(e == null ? p : null, e)));
        }
        return false;
    }

    private void answered(Permits p, Throwable e) {
        requested = false;
        long retry;
        if (p == null) {
            log.warn("stream {}: no rate permits from the coordinator ({}); asking again in {} ms", stream,
                    e == null ? "no answer" : e.getMessage(), RETRY_AFTER_FAILURE_MS);
            retry = RETRY_AFTER_FAILURE_MS;
        } else {
            permits += Math.max(0, p.granted());
            retry = p.granted() > 0 ? 0 : Math.max(10, p.retryAfterMillis());
        }
        if (retry == 0) {
            dispatch.run();
        } else {
            ctx.timer().schedule(() -> post.accept(dispatch), retry);
        }
    }
}
