package io.impetus.core.broker.amqp;

import io.impetus.core.error.BrokerException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;

/**
 * Matches publisher confirms (and returns of mandatory messages) to the futures of the messages
 * they settle, on one channel. Futures complete on {@code completer}, never on the connection's
 * I/O thread, so their dependents may call back into the broker.
 */
final class ConfirmTracker {
    private static final class Pending {
        final CompletableFuture<Void> future;
        final String exchange;
        final String routingKey;
        volatile String returned;

        Pending(CompletableFuture<Void> future, String exchange, String routingKey) {
            this.future = future;
            this.exchange = exchange;
            this.routingKey = routingKey;
        }
    }

    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Executor completer;

    ConfirmTracker(Executor completer) {
        this.completer = completer;
    }

    void track(long seqNo, CompletableFuture<Void> future, String exchange, String routingKey) {
        pending.put(seqNo, new Pending(future, exchange, routingKey));
    }

    void forget(long seqNo) {
        pending.remove(seqNo);
    }

    /**
     * A mandatory message came back unrouted. The broker returns messages in publish order and
     * before their confirm, so the earliest pending one to the same place is the one returned.
     */
    void returned(String exchange, String routingKey, String why) {
        for (Pending p : pending.values()) {
            if (p.returned == null && p.exchange.equals(exchange) && p.routingKey.equals(routingKey)) {
                p.returned = why;
                return;
            }
        }
    }

    void confirmed(long seqNo, boolean multiple, boolean ack) {
        Map<Long, Pending> settled = multiple ? pending.headMap(seqNo, true) : pending.containsKey(seqNo)
                ? Map.of(seqNo, pending.get(seqNo)) : Map.of();
        for (Long seq : settled.keySet()) {
            Pending p = pending.remove(seq);
            if (p == null) {
                continue;
            }
            if (!ack) {
                fail(p, new BrokerException(BrokerException.Kind.OTHER,
                        "RabbitMQ refused (nacked) a published message; it was not stored", null));
            } else if (p.returned != null) {
                String where = p.exchange.isEmpty() ? "queue '" + p.routingKey + "'"
                        : "exchange '" + p.exchange + "' with key '" + p.routingKey + "'";
                fail(p, new BrokerException(BrokerException.Kind.NO_ROUTE, "no queue took a message sent to "
                        + where + " (" + p.returned + "): the queue or its binding is missing", null));
            } else {
                completer.execute(() -> p.future.complete(null));
            }
        }
    }

    /** The channel went away: confirms for what is pending will never come. */
    void failAll(BrokerException.Kind kind, String why) {
        for (Long seq : pending.keySet()) {
            Pending p = pending.remove(seq);
            if (p != null) {
                fail(p, new BrokerException(kind, "publish not confirmed: " + why, null));
            }
        }
    }

    private void fail(Pending p, BrokerException e) {
        completer.execute(() -> p.future.completeExceptionally(e));
    }
}
