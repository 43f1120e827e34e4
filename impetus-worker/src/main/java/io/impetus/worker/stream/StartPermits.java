package io.impetus.worker.stream;

import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.Permits;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start permits of a stream with a {@code maxRate}, asked of the coordinator in batches (one
 * request in flight at a time). Used under the runner's lock; answers come back through
 * {@code post}, which takes that lock.
 */
final class StartPermits {
    private static final Logger log = LoggerFactory.getLogger(StartPermits.class);

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
            ctx.control().send(new ControlRequest.AcquirePermits(stream, wanted))
                    .whenComplete((reply, e) -> post.accept(() -> answered(reply == null || e != null ? null
                            : reply.bodyAs(Permits.class), e)));
        }
        return false;
    }

    private void answered(Permits p, Throwable e) {
        requested = false;
        long retry;
        if (p == null) {
            log.warn("stream {}: no rate permits from the coordinator ({}); retrying in 1 s", stream,
                    e == null ? "no answer" : e.getMessage());
            retry = 1000;
        } else {
            permits += p.granted();
            retry = p.granted() > 0 ? 0 : p.retryAfterMillis();
        }
        if (retry == 0) {
            dispatch.run();
        } else {
            ctx.timer().schedule(() -> post.accept(dispatch), retry, TimeUnit.MILLISECONDS);
        }
    }
}
