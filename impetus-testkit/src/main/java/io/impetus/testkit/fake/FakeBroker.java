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
import io.impetus.testkit.BrokerContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A broker in memory for unit tests of the engine, held to {@code BrokerContract} as
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

    private final FakeVhost vhost = new FakeVhost();
    private final Map<String, CompletableFuture<InboundMessage>> replies = new ConcurrentHashMap<>();
    private final List<OutboundMessage> published = new CopyOnWriteArrayList<>();
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private volatile boolean answering = true;
    private final WireCodec wire = WireCodec.standard();
    private volatile Function<OutboundMessage, Throwable> publishOutcome = m -> null;
    private volatile boolean holdingConfirms;
    private volatile String blocked;
    private final Queue<CompletableFuture<Void>> heldConfirms = new ConcurrentLinkedQueue<>();
    private volatile Function<ControlRequest, Object> control;

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
        return vhost.deliveries();
    }

    public List<FakeDelivery> unsettled() {
        return vhost.deliveries().stream().filter(d -> !d.settled()).toList();
    }

    public boolean hasQueue(String name) {
        return vhost.hasQueue(name);
    }

    public boolean hasExchange(String name) {
        return vhost.hasExchange(name);
    }

    /**
     * Hands {@code message} to a consumer of {@code queue} now, as if it had been first in the queue, and
     * returns the delivery once the handler has returned (a handler that throws gets it rejected). Fails when
     * nobody consumes the queue or every consumer holds its prefetch: RabbitMQ would not deliver it then.
     */
    public FakeDelivery deliver(String queue, InboundMessage message) {
        return vhost.deliver(queue, message);
    }

    /** Puts {@code message} in {@code queue} as if it had been routed there (a dead letter waiting for a person, say). */
    public void hold(String queue, InboundMessage message) {
        vhost.hold(queue, message);
    }

    /** The messages waiting in {@code queue}, in the order they would be delivered. */
    public List<InboundMessage> held(String queue) {
        return vhost.held(queue);
    }

    /** The arguments {@code queue} was declared with (empty when it is not declared). */
    public Map<String, Object> arguments(String queue) {
        return vhost.arguments(queue);
    }

    /** How many consumers of {@code queue} have not been cancelled (for assertions). */
    public long activeConsumers(String queue) {
        return vhost.activeConsumers(queue);
    }

    /** Every queue anything consumed (for assertions). */
    public List<String> consumedQueues() {
        return vhost.consumedQueues();
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
        vhost.declareQueue(spec);
    }

    @Override
    public String declareTemporaryQueue(String name) {
        declareQueue(new QueueSpec(name, false, true, true, Map.of()));
        return name;
    }

    @Override
    public void declareExchange(String name, ExchangeType type, boolean durable) {
        vhost.declareExchange(name, type, durable);
    }

    @Override
    public void bind(String queue, String exchange, String routingKey) {
        vhost.bind(queue, exchange, routingKey);
    }

    @Override
    public void deleteQueue(String queue, boolean ifEmpty) {
        vhost.deleteQueue(queue, ifEmpty);
    }

    @Override
    public void deleteExchange(String exchange) {
        vhost.deleteExchange(exchange);
    }

    @Override
    public Optional<QueueCounts> inspect(String queue) {
        return vhost.inspect(queue);
    }

    @Override
    public int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        return vhost.sweep(queue, max, remove);
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        if (message.exchange().isEmpty() && message.routingKey().startsWith(REPLY_TO + ".")) {
            return reply(message);
        }
        if (message.userId() != null && !message.userId().equals(user())) {
            return CompletableFuture.failedFuture(new BrokerException(Kind.PRECONDITION_FAILED, "user_id property set"
                    + " to '" + message.userId() + "' but authenticated user was '" + user() + "'", null));
        }
        BrokerException refused = vhost.refusal(message);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        Throwable failure = publishOutcome.apply(message); // no lock held: a test may hold a publish here
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        published.add(message);
        CompletableFuture<Void> confirm = CompletableFuture.completedFuture(null);
        if (holdingConfirms) {
            confirm = new CompletableFuture<>();
            heldConfirms.add(confirm);
        }
        vhost.publish(message);
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

    @Override
    public Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume) {
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be 0 (unbounded) or more, was " + prefetch);
        }
        FakeSubscription s = new FakeSubscription(vhost, queue, prefetch, handler, beforeResume);
        vhost.consume(s);
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
            ControlRequest r = wire.read(message.body(), message.contentEncoding(), ControlRequest.class);
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

    /** Closes the connection: its consumers' unsettled deliveries are requeued and its exclusive queues deleted. */
    @Override
    public void close() {
        vhost.closeConnection();
        open = false;
    }
}
