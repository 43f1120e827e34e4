package io.impetus.core.rpc;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends control RPCs to the coordinator and reads its typed replies. Thread-safe; many calls
 * may be in flight at once.
 */
public final class ControlClient {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** How often a request is sent while the control queue is missing. */
    static final int NO_ROUTE_ATTEMPTS = 4;

    private final Broker broker;
    private final Topology topology;
    private final WireCodec wire = WireCodec.standard();
    private final Duration timeout;
    private final SigningKey signingKey;
    private final Clock clock;

    /** Signs its requests with {@code signingKey}, or not when it is {@code null}. */
    public ControlClient(Broker broker, Topology topology, Duration timeout, SigningKey signingKey) {
        this(broker, topology, timeout, signingKey, Clock.systemUTC());
    }

    /**
     * Signs its requests with {@code signingKey} (or not when it is {@code null}), stamped with the time
     * {@code clock} tells; every request carries its sender's broker user ({@code user_id}), which
     * RabbitMQ checks against the connection's login.
     */
    public ControlClient(Broker broker, Topology topology, Duration timeout, SigningKey signingKey, Clock clock) {
        this.broker = broker;
        this.topology = topology;
        this.timeout = timeout;
        this.signingKey = signingKey;
        this.clock = clock;
    }

    /**
     * Sends {@code request}; the future holds the reply, or fails with a clear message. While the
     * control queue is missing (deleted by hand, and the coordinator not yet done declaring it
     * again) the request is sent again a few times, a second apart.
     */
    public CompletableFuture<ControlReply> send(ControlRequest request) {
        String id = UUID.randomUUID().toString();
        byte[] json = Json.write(request);
        WireCodec.Encoded body = wire.encode(json);
        OutboundMessage message = OutboundMessage.toQueue(topology.controlQueue()).body(body.body())
                .contentEncoding(body.contentEncoding()).correlationId(id).type(typeName(request))
                .persistent(false).userId(broker.user())
                .headers(Signatures.controlHeaders(signingKey, id, typeName(request), json, clock)).build();
        return attempt(request, message, 1);
    }

    private CompletableFuture<ControlReply> attempt(ControlRequest request, OutboundMessage message, int attempt) {
        return broker.request(message, timeout).handle((InboundMessage reply, Throwable e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(wire.read(reply, ControlReply.class));
            }
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                throw new BrokerException(BrokerException.Kind.TIMEOUT, "the coordinator did not answer "
                        + typeName(request) + " within " + timeout.toSeconds() + " s (queue "
                        + topology.controlQueue() + ")" + broker.blocked().map(r -> ": RabbitMQ blocks this process's"
                        + " publishing (" + r + ") — free memory or disk on the broker (rabbitmq-diagnostics alarms)")
                        .orElse(" — is 'impetus coordinator' running?"), cause);
            }
            if (BrokerException.isMissingTopology(cause)) {
                if (attempt < NO_ROUTE_ATTEMPTS) {
                    return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
                            .thenCompose(x -> attempt(request, message, attempt + 1));
                }
                throw new BrokerException(BrokerException.Kind.NO_ROUTE, "there is no control queue "
                        + topology.controlQueue() + " — is 'impetus coordinator' running (with the same prefix"
                        + " and vhost)?", cause);
            }
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        }).thenCompose(f -> f);
    }

    /** Sends {@code request} and waits for the body of a successful reply. */
    public <T> T call(ControlRequest request, Class<T> bodyType) {
        return await(send(request), bodyType);
    }

    /**
     * Waits for a reply {@link #send} promised and returns its body, failing as {@link #call} does:
     * so that many requests may be sent before the first answer is awaited.
     */
    public static <T> T await(CompletableFuture<ControlReply> reply, Class<T> bodyType) {
        try {
            return reply.get().bodyAs(bodyType);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new BrokerException(BrokerException.Kind.OTHER, "control call failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException(BrokerException.Kind.OTHER, "interrupted waiting for the coordinator", e);
        }
    }

    /** The key this client signs with, or {@code null} (so that what else a process sends is signed alike). */
    public SigningKey signingKey() {
        return signingKey;
    }

    /** The clock that stamps this client's signatures. */
    public Clock clock() {
        return clock;
    }

    /** The wire name of a request's type: {@code create_stream}, ... */
    public static String typeName(ControlRequest request) {
        String simple = request.getClass().getSimpleName();
        return simple.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
