package io.impetus.core.broker.amqp;

import io.impetus.core.error.BrokerException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;

/**
 * Matches publisher confirms to the futures of the messages they confirm. Futures complete on
 * {@code completer}, never on the connection's I/O thread, so their dependents may call back
 * into the broker.
 */
final class ConfirmTracker {
    private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();
    private final Executor completer;

    ConfirmTracker(Executor completer) {
        this.completer = completer;
    }

    void track(long seqNo, CompletableFuture<Void> future) {
        pending.put(seqNo, future);
    }

    void forget(long seqNo) {
        pending.remove(seqNo);
    }

    void confirmed(long seqNo, boolean multiple, boolean ack) {
        Map<Long, CompletableFuture<Void>> settled = multiple ? pending.headMap(seqNo, true) : pending.containsKey(seqNo)
                ? Map.of(seqNo, pending.get(seqNo)) : Map.of();
        for (Map.Entry<Long, CompletableFuture<Void>> e : settled.entrySet()) {
            CompletableFuture<Void> f = pending.remove(e.getKey());
            if (f == null) {
                continue;
            }
            if (ack) {
                completer.execute(() -> f.complete(null));
            } else {
                completer.execute(() -> f.completeExceptionally(new BrokerException(BrokerException.Kind.OTHER,
                        "RabbitMQ refused (nacked) a published message; it was not stored", null)));
            }
        }
    }

    /** The channel went away: confirms for what is pending will never come. */
    void failAll(String why) {
        for (Long seq : pending.keySet()) {
            CompletableFuture<Void> f = pending.remove(seq);
            if (f != null) {
                completer.execute(() -> f.completeExceptionally(new BrokerException(BrokerException.Kind.UNREACHABLE,
                        "publish not confirmed: " + why, null)));
            }
        }
    }

    int size() {
        return pending.size();
    }
}
