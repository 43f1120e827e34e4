package io.impetus.core.broker;

import io.impetus.core.error.BrokerException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes, and when the broker says the destination is missing (a mandatory message came back
 * unrouted, or its exchange is gone: someone deleted it in the management UI), runs the caller's
 * repair (declare what is missing) and publishes again, a few times. A repair that throws ends
 * the publish with that exception: that is how a caller refuses to re-create what was removed on
 * purpose (a closed stream). Thread-safe.
 */
public final class RepairingPublisher {
    private static final Logger log = LoggerFactory.getLogger(RepairingPublisher.class);
    public static final int DEFAULT_REPAIRS = 3;

    private final Broker broker;
    private final Executor repairs;

    /** @param repairs where repairs run (they are blocking broker calls): never a confirm thread */
    public RepairingPublisher(Broker broker, Executor repairs) {
        this.broker = broker;
        this.repairs = repairs;
    }

    public CompletableFuture<Void> publish(OutboundMessage message, Runnable repair) {
        return attempt(message, repair, DEFAULT_REPAIRS);
    }

    private CompletableFuture<Void> attempt(OutboundMessage message, Runnable repair, int left) {
        return broker.publish(message).handle((ok, e) -> e).thenCompose(e -> {
            if (e == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = e instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e;
            if (left <= 0 || !BrokerException.isMissingTopology(cause)) {
                return CompletableFuture.<Void>failedFuture(cause);
            }
            log.warn("{}; declaring it again and publishing again", cause.getMessage());
            return CompletableFuture.runAsync(repair, repairs).thenCompose(x -> attempt(message, repair, left - 1));
        });
    }
}
