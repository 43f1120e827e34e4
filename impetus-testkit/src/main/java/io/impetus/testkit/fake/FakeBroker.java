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
import io.impetus.core.error.BrokerException.Kind;
import io.impetus.core.rpc.ControlReply;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A broker in memory for unit tests of the engine, held to {@code io.impetus.testkit.BrokerContract} as
 * RabbitMQ is. Exchanges route (direct, fanout, topic, and the default exchange to the queue of the routing
 * key); queues keep their messages in priority order and hand them to consumers within their prefetch, on
 * the thread that published or settled (a handler's own publishes and settlements are handed on after it
 * returns); a requeued message comes again marked redelivered; a rejected one, or one pushed off by
 * {@code x-max-length}, goes to the queue's {@code x-dead-letter-exchange} with RabbitMQ's death headers.
 * A mandatory publish that reaches no queue fails with {@code NO_ROUTE}, one to a missing exchange with
 * {@code NOT_FOUND}; a queue declared again with other properties fails with {@code PRECONDITION_FAILED}.
 * Requests go through the queue with a direct reply-to, unless the test answers them with
 * {@link #onControl}. With {@code x-single-active-consumer} only the oldest consumer gets messages; the
 * next takes over when it leaves. Not modelled: {@code x-expires}, message TTL, quorum delivery limits,
 * several connections (exclusive queues are this connection's; two fakes share nothing). Thread-safe.
 */
public final class FakeBroker implements Broker {
    private static final String REPLY_TO = "amq.rabbitmq.reply-to";

    private final Object lock = new Object();
    private final Map<String, FakeQueue> queues = new LinkedHashMap<>();
    private final Map<String, ExchangeType> exchanges = new HashMap<>();
    private final List<Binding> bindings = new ArrayList<>();
    private final List<FakeSubscription> subscriptions = new ArrayList<>();
    private final Map<FakeDelivery, Held> held = new IdentityHashMap<>();
    private final Map<String, CompletableFuture<InboundMessage>> replies = new ConcurrentHashMap<>();
    private long seq;
    private final AtomicBoolean pumping = new AtomicBoolean();

    private final List<OutboundMessage> published = new CopyOnWriteArrayList<>();
    private final List<FakeDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private volatile boolean answering = true;
    private final WireCodec wire = WireCodec.standard();
    private volatile Function<OutboundMessage, Throwable> publishOutcome = m -> null;
    private volatile boolean holdingConfirms;
    private volatile String blocked;
    private final Queue<CompletableFuture<Void>> heldConfirms = new ConcurrentLinkedQueue<>();
    private volatile Function<ControlRequest, Object> control;

    private record Binding(String exchange, String queue, String key) {
    }

    /** A delivery a consumer holds: where its message goes back to, or dies from. */
    private record Held(FakeSubscription sub, FakeQueue queue, FakeQueue.Entry entry) {
    }

    private record Handoff(FakeSubscription sub, FakeDelivery delivery) {
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

    /** What happens to each publish: {@code null} confirms it, a throwable fails it (and it reaches no queue). Checked after routing. */
    public void onPublish(Function<OutboundMessage, Throwable> outcome) {
        this.publishOutcome = outcome;
    }

    /**
     * Answers control requests in place of a coordinator: return the reply body, or throw an
     * {@code RpcException} for an error reply (any other exception fails the request).
     */
    public void onControl(Function<ControlRequest, Object> answer) {
        this.control = answer;
    }

    /** Every publish the broker confirmed or holds, in order (not what it dead-lettered by itself). */
    public List<OutboundMessage> published() {
        return List.copyOf(published);
    }

    /** What was published to {@code exchange} (or, for {@code ""}, to the queue {@code routingKey}). */
    public List<OutboundMessage> publishedTo(String exchange) {
        return published.stream().filter(m -> m.exchange().equals(exchange)).toList();
    }

    /** Every delivery handed to a consumer, in order. */
    public List<FakeDelivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public List<FakeDelivery> unsettled() {
        return deliveries.stream().filter(d -> !d.settled()).toList();
    }

    public boolean hasQueue(String name) {
        synchronized (lock) {
            return queues.containsKey(name);
        }
    }

    public boolean hasExchange(String name) {
        synchronized (lock) {
            return exchanges.containsKey(name);
        }
    }

    /**
     * Hands {@code message} to a consumer of {@code queue} now, as if it had been first in the queue, and
     * returns the delivery once the handler has returned (a handler that throws gets it rejected). Fails when
     * nobody consumes the queue or every consumer holds its prefetch: RabbitMQ would not deliver it then.
     */
    public FakeDelivery deliver(String queue, InboundMessage message) {
        Handoff h;
        synchronized (lock) {
            List<FakeSubscription> subs = subscriptions.stream().filter(s -> !s.cancelled && s.queue.equals(queue))
                    .toList();
            if (subs.isEmpty()) {
                throw new IllegalStateException("nobody consumes " + queue);
            }
            FakeSubscription sub = subs.stream().filter(FakeSubscription::hasRoom).findFirst()
                    .orElseThrow(() -> new IllegalStateException("every consumer of " + queue
                            + " holds its prefetch unsettled: RabbitMQ would not deliver another message now"));
            FakeQueue q = queues.get(queue);
            FakeQueue.Entry entry = q == null ? new FakeQueue.Entry(seq++, 0, message) : q.entry(seq++, message);
            h = handoff(sub, q, entry);
        }
        hand(h);
        pump();
        return h.delivery();
    }

    /** Puts {@code message} in {@code queue} as if it had been routed there (a dead letter waiting for a person, say). */
    public void hold(String queue, InboundMessage message) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q == null) {
                throw new IllegalStateException("no queue " + queue + ": declare it first");
            }
            enqueue(q, message);
        }
        pump();
    }

    /** The messages waiting in {@code queue}, in the order they would be delivered. */
    public List<InboundMessage> held(String queue) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            return q == null ? List.of() : q.ready().stream().map(FakeQueue.Entry::message).toList();
        }
    }

    /** {@code message} as the broker would deliver it from a queue it was routed to. */
    public static InboundMessage asDelivered(OutboundMessage message) {
        return new InboundMessage(message.exchange(), message.routingKey(), message.body(), message.contentEncoding(),
                message.headers(), message.priority(), message.correlationId(), message.replyTo(), message.messageId(),
                message.type(), false, message.userId());
    }

    /** A message with {@code body} as a job-like publish would carry it. */
    public static InboundMessage message(byte[] body, String contentEncoding, String messageId) {
        return new InboundMessage("", "", body, contentEncoding, Map.of(), 0, null, null, messageId, null, false, null);
    }

    /** Deletes a queue as an operator would: its consumers are cancelled and resume as a real subscription does. */
    public void deleteQueueByHand(String queue) {
        deleteQueue(queue, false);
    }

    public void deleteExchangeByHand(String exchange) {
        deleteExchange(exchange);
    }

    /** The arguments {@code queue} was declared with (empty when it is not declared). */
    public Map<String, Object> arguments(String queue) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            return q == null ? Map.of() : q.spec.arguments();
        }
    }

    /** Runs the {@link #onRecovery} listeners, as after the connection came back from a failure. */
    public void recover() {
        recoveryListeners.forEach(Runnable::run);
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
        if (spec.name().startsWith("amq.")) {
            throw new BrokerException(Kind.ACCESS_REFUSED, "cannot declare queue " + spec.name()
                    + ": the prefix 'amq.' is reserved", null);
        }
        List<FakeSubscription> resumed;
        synchronized (lock) {
            FakeQueue existing = queues.get(spec.name());
            if (existing != null) {
                if (!existing.equivalent(spec)) {
                    throw new BrokerException(Kind.PRECONDITION_FAILED, "cannot declare queue " + spec.name()
                            + ": inequivalent properties, " + existing.spec + " declared, " + spec + " asked", null);
                }
                return;
            }
            FakeQueue q = new FakeQueue(spec);
            queues.put(spec.name(), q);
            resumed = subscriptions.stream().filter(s -> !s.cancelled && s.attached == null && s.queue.equals(spec.name()))
                    .toList();
            resumed.forEach(s -> attach(s, q));
        }
        pump();
    }

    @Override
    public String declareTemporaryQueue(String name) {
        declareQueue(new QueueSpec(name, false, true, true, Map.of()));
        return name;
    }

    @Override
    public void declareExchange(String name, ExchangeType type, boolean durable) {
        if (name.startsWith("amq.")) {
            throw new BrokerException(Kind.ACCESS_REFUSED, "cannot declare exchange " + name
                    + ": the prefix 'amq.' is reserved", null);
        }
        synchronized (lock) {
            ExchangeType existing = exchanges.putIfAbsent(name, type);
            if (existing != null && existing != type) {
                throw new BrokerException(Kind.PRECONDITION_FAILED, "cannot declare exchange " + name + ": it is a "
                        + existing.wireName() + " exchange, not " + type.wireName(), null);
            }
        }
    }

    @Override
    public void bind(String queue, String exchange, String routingKey) {
        synchronized (lock) {
            if (!queues.containsKey(queue) || !exchanges.containsKey(exchange)) {
                throw new BrokerException(Kind.NOT_FOUND, "cannot bind " + queue + " to " + exchange + ": no "
                        + (queues.containsKey(queue) ? "exchange" : "queue"), null);
            }
            Binding b = new Binding(exchange, queue, routingKey);
            if (!bindings.contains(b)) {
                bindings.add(b);
            }
        }
    }

    @Override
    public void deleteQueue(String queue, boolean ifEmpty) {
        List<FakeSubscription> orphans;
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q == null || (ifEmpty && q.hasReady())) {
                return;
            }
            orphans = remove(q);
        }
        resume(orphans);
    }

    @Override
    public void deleteExchange(String exchange) {
        synchronized (lock) {
            exchanges.remove(exchange);
            bindings.removeIf(b -> b.exchange.equals(exchange));
        }
    }

    @Override
    public Optional<QueueCounts> inspect(String queue) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            return q == null ? Optional.empty() : Optional.of(new QueueCounts(queue, q.ready().size(), q.consumers.size()));
        }
    }

    @Override
    public int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        List<FakeQueue.Entry> looked;
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q == null) {
                throw new BrokerException(Kind.NOT_FOUND, "no queue '" + queue + "'", null);
            }
            looked = q.ready().subList(0, Math.min(max, q.ready().size()));
        }
        List<FakeQueue.Entry> taken = looked.stream().filter(e -> remove.test(e.message())).toList();
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q != null) {
                taken.forEach(q::remove);
            }
        }
        return taken.size();
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        if (message.exchange().isEmpty() && message.routingKey().startsWith(REPLY_TO + ".")) {
            return reply(message);
        }
        BrokerException refused = refusal(message);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        Throwable failure = publishOutcome.apply(message); // outside the lock: a test may hold a publish here
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        CompletableFuture<Void> confirm;
        synchronized (lock) {
            route(message.exchange(), message.routingKey()).forEach(q -> enqueue(q, asDelivered(message)));
            published.add(message);
            if (holdingConfirms) {
                confirm = new CompletableFuture<>();
                heldConfirms.add(confirm);
            } else {
                confirm = CompletableFuture.completedFuture(null);
            }
        }
        pump();
        return confirm;
    }

    /** A reply to a request (direct reply-to): handed to the request waiting for it, never queued. */
    private CompletableFuture<Void> reply(OutboundMessage message) {
        published.add(message);
        CompletableFuture<InboundMessage> waiting = message.correlationId() == null ? null
                : replies.remove(message.correlationId());
        if (waiting != null) {
            waiting.complete(asDelivered(message));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Why RabbitMQ would refuse {@code message}, or {@code null}. */
    private BrokerException refusal(OutboundMessage message) {
        synchronized (lock) {
            if (!message.exchange().isEmpty() && !exchanges.containsKey(message.exchange())) {
                return new BrokerException(Kind.NOT_FOUND, "no exchange '" + message.exchange() + "'", null);
            }
            if (message.userId() != null && !message.userId().equals(user())) {
                return new BrokerException(Kind.PRECONDITION_FAILED, "user_id property set to '" + message.userId()
                        + "' but authenticated user was '" + user() + "'", null);
            }
            if (message.mandatory() && route(message.exchange(), message.routingKey()).isEmpty()) {
                return new BrokerException(Kind.NO_ROUTE, "no queue took the message to '" + message.exchange()
                        + "' with routing key '" + message.routingKey() + "'", null);
            }
            return null;
        }
    }

    @Override
    public Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume) {
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be 0 (unbounded) or more, was " + prefetch);
        }
        FakeSubscription s = new FakeSubscription(this, queue, prefetch, handler, beforeResume);
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q == null) {
                throw new BrokerException(Kind.NOT_FOUND, "cannot consume queue '" + queue + "': no such queue", null);
            }
            subscriptions.add(s);
            attach(s, q);
        }
        pump();
        return s;
    }

    @Override
    public CompletableFuture<InboundMessage> request(OutboundMessage message, Duration timeout) {
        Function<ControlRequest, Object> answer = control;
        if (answer != null) {
            return answerControl(message, answer);
        }
        String id = message.correlationId();
        if (id == null) {
            throw new IllegalArgumentException("an RPC request needs a correlation id");
        }
        CompletableFuture<InboundMessage> reply = new CompletableFuture<>();
        replies.put(id, reply);
        OutboundMessage withReply = new OutboundMessage(message.exchange(), message.routingKey(), message.body(),
                message.contentEncoding(), message.headers(), message.priority(), id, REPLY_TO + ".fake",
                message.messageId(), message.type(), false, true, message.userId());
        publish(withReply).whenComplete((ok, e) -> {
            if (e != null) {
                replies.remove(id);
                reply.completeExceptionally(e);
            }
        });
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> replies.remove(id));
    }

    private CompletableFuture<InboundMessage> answerControl(OutboundMessage message, Function<ControlRequest, Object> answer) {
        ControlReply reply;
        try {
            ControlRequest r = Json.read(wire.decode(message.body(), message.contentEncoding()), ControlRequest.class);
            reply = ControlReply.success(message.correlationId(), answer.apply(r));
        } catch (RpcException e) {
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
        recoveryListeners.add(listener);
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
        synchronized (lock) {
            return subscriptions.stream().filter(s -> !s.cancelled && s.queue.equals(queue)).count();
        }
    }

    /** Closes the connection: its consumers' unsettled deliveries are requeued and its exclusive queues deleted. */
    @Override
    public void close() {
        List<FakeSubscription> open;
        synchronized (lock) {
            open = subscriptions.stream().filter(s -> !s.cancelled).toList();
        }
        open.forEach(FakeSubscription::close);
        synchronized (lock) {
            queues.values().stream().filter(q -> q.spec.exclusive()).toList().forEach(this::remove);
        }
        this.open = false;
    }

    /** Every queue anything consumed (for assertions). */
    public List<String> consumedQueues() {
        synchronized (lock) {
            return subscriptions.stream().map(s -> s.queue).distinct().toList();
        }
    }

    /** Cancels {@code s}; {@code closing} also gives back what it holds, as when its channel closes. */
    void cancel(FakeSubscription s, boolean closing) {
        synchronized (lock) {
            if (!s.cancelled) {
                s.cancelled = true;
                FakeQueue q = s.attached;
                s.attached = null;
                if (q != null) {
                    q.consumers.remove(s);
                    if (q.spec.autoDelete() && q.hadConsumer && q.consumers.isEmpty() && queues.get(q.name()) == q) {
                        remove(q);
                    }
                }
            }
            if (closing) {
                held.entrySet().removeIf(e -> {
                    if (e.getValue().sub() != s) {
                        return false;
                    }
                    requeue(e.getValue());
                    return true;
                });
                s.unsettled = 0;
            }
        }
        pump();
    }

    private void attach(FakeSubscription s, FakeQueue q) {
        s.attached = q;
        q.consumers.add(s);
        q.hadConsumer = true;
    }

    /** Removes {@code q}, its bindings and messages; returns its consumers, cancelled by the broker. */
    private List<FakeSubscription> remove(FakeQueue q) {
        queues.remove(q.name());
        bindings.removeIf(b -> b.queue.equals(q.name()));
        List<FakeSubscription> orphans = List.copyOf(q.consumers);
        q.consumers.clear();
        orphans.forEach(s -> s.attached = null);
        return orphans;
    }

    /** What a real subscription does when the broker cancels it: runs {@code beforeResume}, then consumes again if it can. */
    private void resume(List<FakeSubscription> orphans) {
        for (FakeSubscription s : orphans) {
            try {
                s.beforeResume.run();
            } catch (RuntimeException e) {
                // a real subscription retries every second; this one resumes when the queue is declared again
            }
            synchronized (lock) {
                FakeQueue q = queues.get(s.queue);
                if (!s.cancelled && s.attached == null && q != null) {
                    attach(s, q);
                }
            }
        }
        pump();
    }

    private List<FakeQueue> route(String exchange, String routingKey) {
        if (exchange.isEmpty()) {
            FakeQueue q = queues.get(routingKey);
            return q == null ? List.of() : List.of(q);
        }
        ExchangeType type = exchanges.get(exchange);
        return bindings.stream().filter(b -> b.exchange.equals(exchange))
                .filter(b -> type == ExchangeType.FANOUT || (type == ExchangeType.DIRECT ? b.key.equals(routingKey)
                        : TopicPattern.matches(b.key, routingKey)))
                .map(b -> queues.get(b.queue)).distinct().toList();
    }

    private void enqueue(FakeQueue q, InboundMessage message) {
        for (FakeQueue.Entry dropped : q.put(q.entry(seq++, message))) {
            deadLetter(q, dropped.message(), "maxlen");
        }
    }

    private void requeue(Held h) {
        if (h.queue() != null && queues.get(h.queue().name()) == h.queue()) {
            InboundMessage m = h.entry().message();
            InboundMessage again = new InboundMessage(m.exchange(), m.routingKey(), m.body(), m.contentEncoding(),
                    m.headers(), m.priority(), m.correlationId(), m.replyTo(), m.messageId(), m.type(), true, m.userId());
            for (FakeQueue.Entry dropped : h.queue().put(new FakeQueue.Entry(h.entry().seq(), h.entry().priority(), again))) {
                deadLetter(h.queue(), dropped.message(), "maxlen");
            }
        }
    }

    /** Routes {@code m} to {@code from}'s dead-letter exchange, if it has one, with RabbitMQ's death headers. */
    private void deadLetter(FakeQueue from, InboundMessage m, String reason) {
        String exchange = from == null ? null : from.stringArgument("x-dead-letter-exchange");
        if (exchange == null || (!exchange.isEmpty() && !exchanges.containsKey(exchange))) {
            return;
        }
        String key = from.stringArgument("x-dead-letter-routing-key");
        String routingKey = key == null ? m.routingKey() : key;
        Map<String, Object> headers = new HashMap<>(m.headers());
        Map<String, Object> death = new HashMap<>();
        death.put("count", 1L);
        death.put("reason", reason);
        death.put("queue", from.name());
        death.put("exchange", m.exchange());
        death.put("routing-keys", List.of(m.routingKey()));
        headers.put("x-death", List.of(death));
        headers.putIfAbsent("x-first-death-reason", reason);
        headers.putIfAbsent("x-first-death-queue", from.name());
        headers.putIfAbsent("x-first-death-exchange", m.exchange());
        InboundMessage dead = new InboundMessage(exchange, routingKey, m.body(), m.contentEncoding(), headers,
                m.priority(), m.correlationId(), m.replyTo(), m.messageId(), m.type(), false, m.userId());
        for (FakeQueue q : route(exchange, routingKey)) {
            if (q != from) {
                enqueue(q, dead);
            }
        }
    }

    private Handoff handoff(FakeSubscription sub, FakeQueue q, FakeQueue.Entry entry) {
        FakeDelivery d = new FakeDelivery(entry.message(), this::settled);
        held.put(d, new Held(sub, q, entry));
        sub.unsettled++;
        deliveries.add(d);
        return new Handoff(sub, d);
    }

    private void settled(FakeDelivery d) {
        synchronized (lock) {
            Held h = held.remove(d);
            if (h == null) {
                return; // its channel was closed: the message was requeued then
            }
            h.sub().unsettled--;
            if (d.state() == FakeDelivery.State.REQUEUED) {
                requeue(h);
            } else if (d.state() == FakeDelivery.State.REJECTED && h.queue() != null
                    && queues.get(h.queue().name()) == h.queue()) {
                deadLetter(h.queue(), h.entry().message(), "rejected");
            }
        }
        pump();
    }

    /** Hands every message a consumer has room for, one at a time; a call while another thread does it leaves it to that one. */
    private void pump() {
        do {
            if (!pumping.compareAndSet(false, true)) {
                return;
            }
            try {
                for (Handoff h; (h = next()) != null; ) {
                    hand(h);
                }
            } finally {
                pumping.set(false);
            }
        } while (hasWork());
    }

    private Handoff next() {
        synchronized (lock) {
            for (FakeQueue q : queues.values()) {
                if (!q.hasReady()) {
                    continue;
                }
                if (q.singleActiveConsumer()) {
                    FakeSubscription active = q.consumers.isEmpty() ? null : q.consumers.get(0);
                    if (active != null && active.hasRoom()) {
                        return handoff(active, q, q.poll());
                    }
                    continue;
                }
                for (FakeSubscription s : q.consumers) {
                    if (s.hasRoom()) {
                        q.consumers.remove(s);
                        q.consumers.add(s); // round robin
                        return handoff(s, q, q.poll());
                    }
                }
            }
            return null;
        }
    }

    private boolean hasWork() {
        synchronized (lock) {
            return queues.values().stream().anyMatch(q -> q.hasReady() && q.consumers.stream()
                    .limit(q.singleActiveConsumer() ? 1 : Long.MAX_VALUE).anyMatch(FakeSubscription::hasRoom));
        }
    }

    private static void hand(Handoff h) {
        try {
            h.sub().handler.handle(h.delivery());
        } catch (Throwable t) {
            h.delivery().reject(false);
        }
    }
}
