package io.impetus.worker.stream;

import io.impetus.core.broker.Delivery;
import io.impetus.core.job.JobBatch;
import io.impetus.core.job.JobEnvelope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A stream's results on their way to their clients, one publish in flight per client: a result
 * that finds none in flight goes at once (a single job waits for nothing), and the results that
 * finish while one waits for the broker's confirm go together in the next publish, as one batch.
 * The busier the node, the bigger the batches, and the fewer messages the broker handles per job.
 * Each result's delivery is settled with the outcome of the publish that carried it. Thread-safe.
 */
final class ResultBatcher {
    /** A finished job and the delivery of the job it answers. */
    record Item(JobEnvelope done, Delivery delivery) {
    }

    /** Publishes in flight per client before results wait to go together. */
    static final int IN_FLIGHT = 1;

    private static final class Pending {
        final ArrayDeque<Item> waiting = new ArrayDeque<>();
        int publishing;
    }

    private final Function<List<Item>, CompletableFuture<Void>> publish;
    private final BiConsumer<List<Item>, Throwable> settle;
    private final Map<String, Pending> clients = new HashMap<>();

    /**
     * @param publish sends one or more results of one client as one message
     * @param settle settles the deliveries of the items a publish carried once it completed ({@code null}
     *     error) or failed
     */
    ResultBatcher(Function<List<Item>, CompletableFuture<Void>> publish,
                  BiConsumer<List<Item>, Throwable> settle) {
        this.publish = publish;
        this.settle = settle;
    }

    void add(JobEnvelope done, Delivery delivery) {
        String client = done.client();
        List<Item> send;
        synchronized (this) {
            Pending p = clients.computeIfAbsent(client, c -> new Pending());
            p.waiting.add(new Item(done, delivery));
            if (p.publishing >= IN_FLIGHT) {
                return;
            }
            send = take(client, p);
        }
        send(client, send);
    }

    /** Results waiting for a publish, across clients (for tests and status). */
    synchronized int waiting() {
        return clients.values().stream().mapToInt(p -> p.waiting.size()).sum();
    }

    private List<Item> take(String client, Pending p) {
        List<Item> items = new ArrayList<>(Math.min(p.waiting.size(), JobBatch.MAX_ITEMS));
        while (!p.waiting.isEmpty() && items.size() < JobBatch.MAX_ITEMS) {
            items.add(p.waiting.poll());
        }
        if (!items.isEmpty()) {
            p.publishing++;
        } else if (p.publishing == 0) {
            clients.remove(client);
        }
        return items;
    }

    private void send(String client, List<Item> items) {
        CompletableFuture<Void> sent;
        try {
            sent = publish.apply(items);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, e) -> {
            settle.accept(items, e);
            List<Item> next;
            synchronized (this) {
                Pending p = clients.get(client);
                if (p != null) {
                    p.publishing--;
                }
                next = p == null ? List.of() : take(client, p);
            }
            if (!next.isEmpty()) {
                send(client, next);
            }
        });
    }
}
