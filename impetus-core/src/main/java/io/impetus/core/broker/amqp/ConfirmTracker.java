package io.impetus.core.broker.amqp;

import io.impetus.core.error.BrokerException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Matches publisher confirms (and returns of mandatory messages) to the messages they settle, on
 * one channel. Futures complete on {@code completer}, never on the connection's I/O thread, so
 * their dependents may call back into the broker. A nack is handed to {@code nacked} (which sends
 * again or fails); a confirm that is overdue is taken out by {@link #overdue}.
 */
final class ConfirmTracker {
    private static final class Pending {
        final Outgoing out;
        volatile String returned;

        Pending(Outgoing out) {
            this.out = out;
        }
    }

    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Executor completer;
    private final Consumer<Outgoing> nacked;

    ConfirmTracker(Executor completer, Consumer<Outgoing> nacked) {
        this.completer = completer;
        this.nacked = nacked;
    }

    /**
     * Tracks {@code out} under {@code seqNo}; false, tracking nothing, when the number cannot be this
     * channel's next (not positive: the channel is not, or not yet again, in confirm mode; already
     * tracked: its numbering started again, as a channel the client library recovered after a lost
     * connection does). Overwriting would leave the first message's future never completed.
     */
    boolean track(long seqNo, Outgoing out) {
        return seqNo > 0 && pending.putIfAbsent(seqNo, new Pending(out)) == null;
    }

    /** Stops tracking {@code seqNo}; false when it was no longer tracked (settled or failed meanwhile). */
    boolean forget(long seqNo) {
        return pending.remove(seqNo) != null;
    }

    /**
     * A mandatory message came back unrouted. The broker returns a message before its confirm, so it
     * is still pending: the earliest pending one to the same place with the same message id. (Not
     * merely the earliest to the same place: an earlier message stored in a queue that confirms later
     * — a durable or quorum queue — would be marked instead, and the returned one counted as stored.)
     */
    void returned(String exchange, String routingKey, String messageId, String why) {
        for (Pending p : pending.values()) {
            if (p.returned == null && p.out.message.exchange().equals(exchange)
                    && p.out.message.routingKey().equals(routingKey)
                    && Objects.equals(p.out.message.messageId(), messageId)) {
                p.returned = why;
                return;
            }
        }
    }

    void confirmed(long seqNo, boolean multiple, boolean ack) {
        Map<Long, Pending> settled = multiple ? pending.headMap(seqNo, true) : pending.containsKey(seqNo)
                ? Map.of(seqNo, pending.get(seqNo)) : Map.of();
        for (Long seq : List.copyOf(settled.keySet())) {
            Pending p = pending.remove(seq);
            if (p == null) {
                continue;
            }
            if (!ack) {
                nacked.accept(p.out);
            } else if (p.returned != null) {
                fail(p.out, new BrokerException(BrokerException.Kind.NO_ROUTE, "no queue took a message sent to "
                        + p.out.where() + " (" + p.returned + "): the queue or its binding is missing", null));
            } else {
                completer.execute(() -> p.out.future.complete(null));
            }
        }
    }

    /** Takes out and returns the messages whose confirm is overdue at {@code now}. */
    List<Outgoing> overdue(Instant now) {
        List<Outgoing> late = new ArrayList<>();
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            if (e.getValue().out.overdue(now) && pending.remove(e.getKey(), e.getValue())) {
                late.add(e.getValue().out);
            }
        }
        return late;
    }

    /** The channel went away: confirms for what is pending will never come. */
    void failAll(BrokerException.Kind kind, String why) {
        for (Long seq : pending.keySet()) {
            Pending p = pending.remove(seq);
            if (p != null) {
                fail(p.out, new BrokerException(kind, "publish not confirmed: " + why, null));
            }
        }
    }

    void fail(Outgoing out, BrokerException e) {
        completer.execute(() -> out.future.completeExceptionally(e));
    }
}
