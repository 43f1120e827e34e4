package io.impetus.testkit.fake;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.rpc.ControlReply;
import io.impetus.core.rpc.ControlRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A broker in memory for unit tests of the engine. It records what is declared and published,
 * refuses mandatory publishes to a queue that is not declared ({@code NO_ROUTE}) and publishes
 * to an exchange that is not declared ({@code NOT_FOUND}), confirms the rest at once (or as
 * {@link #onPublish} says), hands deliveries to consumers through {@link #deliver}, and answers
 * control requests with {@link #onControl}. Thread-safe.
 */
public final class FakeBroker implements Broker {
    private final Map<String, QueueSpec> queues = new ConcurrentHashMap<>();
    private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
    private final List<OutboundMessage> published = new CopyOnWriteArrayList<>();
    private final List<FakeDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, List<Sub>> consumers = new ConcurrentHashMap<>();
    private final Map<String, List<InboundMessage>> held = new ConcurrentHashMap<>();
    private volatile boolean open = true;
    private volatile boolean strictArguments;
    private volatile boolean answering = true;
    private final WireCodec wire = WireCodec.standard();
    private volatile Function<OutboundMessage, Throwable> publishOutcome = m -> null;
    private volatile boolean holdingConfirms;
    private volatile String blocked;
    private final java.util.Queue<CompletableFuture<Void>> heldConfirms = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile Function<ControlRequest, Object> control = r -> {
        throw new BrokerException(BrokerException.Kind.TIMEOUT, "no coordinator in this test", null);
    };

    private final class Sub implements Subscription {
        final String queue;
        final DeliveryHandler handler;
        final Runnable beforeResume;
        volatile boolean cancelled;

        Sub(String queue, DeliveryHandler handler, Runnable beforeResume) {
            this.queue = queue;
            this.handler = handler;
            this.beforeResume = beforeResume;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public void close() {
            cancelled = true;
        }
    }

    /**
     * While on, publishes are routed and recorded but their confirms wait for {@link #confirmHeld()}, as
     * during a broker's memory or disk alarm.
     */
    public void holdConfirms(boolean on) {
        holdingConfirms = on;
    }

    /** Says RabbitMQ blocks this connection ({@code reason}, as in a memory alarm), or not ({@code null}). */
    public void setBlocked(String reason) {
        blocked = reason;
    }

    @Override
    public Optional<String> blocked() {
        return Optional.ofNullable(blocked);
    }

    /** Confirms every publish held by {@link #holdConfirms}. */
    public void confirmHeld() {
        for (CompletableFuture<Void> f; (f = heldConfirms.poll()) != null; ) {
            f.complete(null);
        }
    }

    /** What happens to each publish: {@code null} confirms it, a throwable fails it. Checked after routing. */
    public void onPublish(Function<OutboundMessage, Throwable> outcome) {
        this.publishOutcome = outcome;
    }

    /** Answers control requests: return the reply body, or throw an {@code RpcException} for an error reply. */
    public void onControl(Function<ControlRequest, Object> answer) {
        this.control = answer;
    }

    public List<OutboundMessage> published() {
        return List.copyOf(published);
    }

    /** What was published to {@code exchange} (or, for {@code ""}, to the queue {@code routingKey}). */
    public List<OutboundMessage> publishedTo(String exchange) {
        return published.stream().filter(m -> m.exchange().equals(exchange)).toList();
    }

    public List<FakeDelivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public List<FakeDelivery> unsettled() {
        return deliveries.stream().filter(d -> !d.settled()).toList();
    }

    public boolean hasQueue(String name) {
        return queues.containsKey(name);
    }

    public boolean hasExchange(String name) {
        return exchanges.contains(name);
    }

    /** Hands a message to the consumer of {@code queue} (as the client library would: errors caught, message rejected). */
    public FakeDelivery deliver(String queue, InboundMessage message) {
        FakeDelivery d = new FakeDelivery(message);
        deliveries.add(d);
        List<Sub> subs = consumers.getOrDefault(queue, List.of()).stream().filter(s -> !s.cancelled).toList();
        if (subs.isEmpty()) {
            throw new IllegalStateException("nobody consumes " + queue);
        }
        try {
            subs.get(0).handler.handle(d);
        } catch (Throwable t) {
            d.reject(false);
        }
        return d;
    }

    /** Puts {@code message} in {@code queue} for {@link #sweep} to find (a dead letter waiting for a person, say). */
    public void hold(String queue, InboundMessage message) {
        held.computeIfAbsent(queue, k -> new CopyOnWriteArrayList<>()).add(message);
    }

    /** What {@code queue} holds (see {@link #hold}). */
    public List<InboundMessage> held(String queue) {
        return List.copyOf(held.getOrDefault(queue, List.of()));
    }

    /** {@code message} as the broker would deliver it from a queue it was routed to. */
    public static InboundMessage asDelivered(OutboundMessage message) {
        return new InboundMessage(message.exchange(), message.routingKey(), message.body(), message.contentEncoding(),
                message.headers(), message.priority(), message.correlationId(), message.replyTo(), message.messageId(),
                message.type(), false, message.userId());
    }

    @Override
    public int sweep(String queue, int max, java.util.function.Predicate<InboundMessage> remove) {
        if (!queues.containsKey(queue)) {
            throw new BrokerException(BrokerException.Kind.NOT_FOUND, "no queue '" + queue + "'", null);
        }
        List<InboundMessage> messages = held.getOrDefault(queue, List.of());
        int removed = 0;
        for (InboundMessage m : List.copyOf(messages).subList(0, Math.min(max, messages.size()))) {
            if (remove.test(m)) {
                messages.remove(m);
                removed++;
            }
        }
        return removed;
    }

    /** A message with {@code body} as a job-like publish would carry it. */
    public static InboundMessage message(byte[] body, String contentEncoding, String messageId) {
        return new InboundMessage("", "", body, contentEncoding, Map.of(), 0, null, null, messageId, null, false, null);
    }

    /** Deletes a queue as an operator would: its consumers are cancelled and resume as a real subscription does. */
    public void deleteQueueByHand(String queue) {
        queues.remove(queue);
        for (Sub s : consumers.getOrDefault(queue, List.of())) {
            if (!s.cancelled) {
                s.beforeResume.run();
            }
        }
    }

    public void deleteExchangeByHand(String exchange) {
        exchanges.remove(exchange);
    }

    @Override
    public String serverVersion() {
        return "fake";
    }

    @Override
    public String user() {
        return "fake";
    }

    @Override
    public void declareQueue(QueueSpec spec) {
        QueueSpec existing = queues.get(spec.name());
        if (strictArguments && existing != null && !existing.arguments().equals(spec.arguments())) {
            throw new BrokerException(BrokerException.Kind.PRECONDITION_FAILED, "inequivalent arguments for queue '"
                    + spec.name() + "': " + existing.arguments() + " declared, " + spec.arguments() + " asked", null);
        }
        queues.put(spec.name(), spec);
    }

    /** Refuse, as RabbitMQ does (406 PRECONDITION_FAILED), to declare a queue again with other arguments. */
    public void strictArguments(boolean strict) {
        this.strictArguments = strict;
    }

    /** The arguments {@code queue} was declared with (empty when it is not declared). */
    public Map<String, Object> arguments(String queue) {
        QueueSpec spec = queues.get(queue);
        return spec == null ? Map.of() : spec.arguments();
    }

    @Override
    public String declareTemporaryQueue(String name) {
        queues.put(name, new QueueSpec(name, false, true, true, Map.of()));
        return name;
    }

    @Override
    public void declareExchange(String name, ExchangeType type, boolean durable) {
        exchanges.add(name);
    }

    @Override
    public void bind(String queue, String exchange, String routingKey) {
        if (!queues.containsKey(queue) || !exchanges.contains(exchange)) {
            throw new BrokerException(BrokerException.Kind.NOT_FOUND, "cannot bind " + queue + " to " + exchange, null);
        }
    }

    @Override
    public void deleteQueue(String queue, boolean ifEmpty) {
        queues.remove(queue);
    }

    @Override
    public void deleteExchange(String exchange) {
        exchanges.remove(exchange);
    }

    @Override
    public Optional<QueueCounts> inspect(String queue) {
        return queues.containsKey(queue) ? Optional.of(new QueueCounts(queue, 0, consumers.getOrDefault(queue,
                List.of()).size())) : Optional.empty();
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        if (!message.exchange().isEmpty() && !exchanges.contains(message.exchange())) {
            return CompletableFuture.failedFuture(new BrokerException(BrokerException.Kind.NOT_FOUND,
                    "no exchange '" + message.exchange() + "'", null));
        }
        if (message.exchange().isEmpty() && message.mandatory() && !queues.containsKey(message.routingKey())) {
            return CompletableFuture.failedFuture(new BrokerException(BrokerException.Kind.NO_ROUTE,
                    "no queue '" + message.routingKey() + "'", null));
        }
        Throwable failure = publishOutcome.apply(message);
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        published.add(message);
        if (holdingConfirms) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            heldConfirms.add(f);
            return f;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume) {
        Sub s = new Sub(queue, handler, beforeResume);
        consumers.computeIfAbsent(queue, k -> new CopyOnWriteArrayList<>()).add(s);
        return s;
    }

    @Override
    public CompletableFuture<InboundMessage> request(OutboundMessage message, Duration timeout) {
        ControlReply reply;
        try {
            ControlRequest r = wire.read(message.body(), message.contentEncoding(), ControlRequest.class);
            reply = ControlReply.success(message.correlationId(), control.apply(r));
        } catch (io.impetus.core.rpc.RpcException e) {
            reply = ControlReply.failure(message.correlationId(), e.error());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        WireCodec.Encoded body = wire.encode(Json.write(reply));
        return CompletableFuture.completedFuture(new InboundMessage("", "", body.body(), body.contentEncoding(),
                Map.of(), null, message.correlationId(), null, null, null, false, null));
    }

    @Override
    public void onRecovery(Runnable listener) {
    }

    /** Whether the connection is open: set it to play a lost connection. */
    public void setOpen(boolean open) {
        this.open = open;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Whether the broker answers round trips: clear it to play a connection cut off but not yet closed. */
    public void setAnswering(boolean answering) {
        this.answering = answering;
    }

    @Override
    public boolean answers(Duration within) {
        return open && answering;
    }

    /** How many consumers of {@code queue} have not been cancelled (for assertions). */
    public long activeConsumers(String queue) {
        return consumers.getOrDefault(queue, List.of()).stream().filter(s -> !s.cancelled).count();
    }

    @Override
    public void close() {
    }

    /** Every consumer of every queue (for assertions). */
    public List<String> consumedQueues() {
        return new ArrayList<>(consumers.keySet());
    }
}
