package io.impetus.worker;

import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlReply;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node asks the coordinator for on its loop: the open streams every {@code listInterval}, and before
 * them, at start and every {@link #CANCEL_LIST_INTERVAL}, the cancels nodes must honour (so events missed
 * while the connection was down come back). Nothing here waits on a reply: each answer is applied on the
 * node's loop thread when it comes, and a list is asked for again only once the last one was answered.
 * Thread-safe.
 */
final class CoordinatorLists {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorLists.class);
    /** Cancels are asked for at start and this often: events missed while the connection was down come back. */
    static final Duration CANCEL_LIST_INTERVAL = Duration.ofMinutes(1);

    private final ControlClient control;
    private final Executor loop;
    private final Clock clock;
    private final Duration listInterval;
    private final Consumer<JobCancel> onCancel;
    private final Consumer<StreamInfo[]> onStreams;
    private volatile boolean listing;
    private volatile Instant lastList = Instant.EPOCH;
    private volatile Instant lastCancelList = Instant.EPOCH;

    /**
     * @param loop the node's loop thread, where answers are applied
     * @param onCancel told of each listed cancel
     * @param onStreams told the list of open streams
     */
    CoordinatorLists(ControlClient control, Executor loop, Clock clock, Duration listInterval,
                     Consumer<JobCancel> onCancel, Consumer<StreamInfo[]> onStreams) {
        this.control = control;
        this.loop = loop;
        this.clock = clock;
        this.listInterval = listInterval;
        this.onCancel = onCancel;
        this.onStreams = onStreams;
    }

    /** Asks for the lists when {@code listInterval} has passed since the last ask and none is under way. */
    void askIfDue(Instant now) {
        if (!listing && Duration.between(lastList, now).compareTo(listInterval) >= 0) {
            listing = true;
            lastList = now;
            if (Duration.between(lastCancelList, now).compareTo(CANCEL_LIST_INTERVAL) >= 0) {
                askForCancelsThenStreams();
            } else {
                askForStreams();
            }
        }
    }

    /**
     * Asks the coordinator for the cancels nodes must honour, then (whatever the answer) for the stream
     * list: at start, the cancels are known before this node takes a job.
     */
    private void askForCancelsThenStreams() {
        CompletableFuture<ControlReply> asked;
        try {
            asked = control.send(new ControlRequest.ListCancels());
        } catch (RuntimeException e) {
            log.warn("cannot list cancels: {}", e.getMessage());
            askForStreams();
            return;
        }
        asked.whenComplete((reply, e) -> loop.execute(() -> {
            if (e != null) {
                log.warn("cannot list cancels: {}", (e.getCause() != null ? e.getCause() : e).getMessage());
            } else {
                try {
                    Arrays.stream(reply.bodyAs(JobCancel[].class)).filter(Objects::nonNull)
                            .forEach(onCancel);
                    lastCancelList = clock.instant();
                } catch (RuntimeException x) {
                    log.warn("cannot list cancels: {}", x.getMessage());
                }
            }
            askForStreams();
        }));
    }

    /** Asks the coordinator for the stream list; applies it when it comes. Clears {@code listing} on every path. */
    private void askForStreams() {
        CompletableFuture<ControlReply> asked;
        try {
            asked = control.send(new ControlRequest.ListStreams(false));
        } catch (RuntimeException e) { // the connection dropped under the call: a later pass asks again
            listing = false;
            log.warn("cannot list streams: {}", e.getMessage());
            return;
        }
        asked.whenComplete((reply, e) -> loop.execute(() -> {
            listing = false;
            if (e != null) {
                log.warn("cannot list streams: {}", (e.getCause() != null ? e.getCause() : e).getMessage());
                return;
            }
            try {
                onStreams.accept(reply.bodyAs(StreamInfo[].class));
            } catch (RuntimeException x) {
                log.warn("cannot list streams: {}", x.getMessage());
            }
        }));
    }
}
