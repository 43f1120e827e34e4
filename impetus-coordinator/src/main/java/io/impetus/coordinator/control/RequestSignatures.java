package io.impetus.coordinator.control;

import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import java.time.Clock;

/**
 * Which control requests must be signed where the installation has a key, and the check: every
 * request that changes what the coordinator keeps (create, update, close, register a bundle) or that
 * hands something out (a node's {@code fetch_bundle}, which gives code; {@code acquire_permits},
 * which spends a stream's rate; {@code cancel_jobs}, which stops jobs; a {@code schedules} call that changes a schedule) must carry a signature by an accepted key, made within the freshness
 * window. Reads (get and list streams, list nodes, the scaler's report) need none, so that
 * {@code impetus status} works without the key.
 */
public final class RequestSignatures {
    private RequestSignatures() {
    }

    /** Whether {@code request} must be signed where there is a key. */
    public static boolean mustBeSigned(ControlRequest request) {
        return request instanceof ControlRequest.CreateStream || request instanceof ControlRequest.UpdateStream
                || request instanceof ControlRequest.CloseStream || request instanceof ControlRequest.RegisterBundle
                || request instanceof ControlRequest.FetchBundle || request instanceof ControlRequest.AcquirePermits
                || request instanceof ControlRequest.ForkAfter
                || request instanceof ControlRequest.CancelJobs
                || (request instanceof ControlRequest.Schedules r && !ScheduleControl.isRead(r));
    }

    /**
     * With a key, a request that must be signed carries a good, fresh signature, or is refused
     * ({@code FORBIDDEN}) with the reason.
     */
    public static void require(SigningKey key, ControlRequest request, String id, byte[] json, String signature,
                               String signedAt, Clock clock) {
        require(key, request, id, json, signature, signedAt, clock, null, false);
    }

    /**
     * As {@link #require(SigningKey, ControlRequest, String, byte[], String, String, Clock)}, and with
     * {@code replays} also refuses an exact copy of a request it accepted before within the freshness window
     * (unless the broker {@code redelivered} it: the same delivery given back, not a copy published anew).
     */
    public static void require(SigningKey key, ControlRequest request, String id, byte[] json, String signature,
                               String signedAt, Clock clock, ReplayGuard replays, boolean redelivered) {
        if (key == null || !mustBeSigned(request)) {
            return;
        }
        String type = ControlClient.typeName(request);
        SignatureCheck check = Signatures.controlCheck(key, id, type, json, signature, signedAt, clock);
        if (replays != null) {
            check = replays.admit(check, signature, signedAt, redelivered);
        }
        if (!check.valid()) {
            throw new RpcException(RpcError.of(RpcError.Code.FORBIDDEN, "signature: " + type
                    + " must be signed with this installation's key within " + Signatures.FRESHNESS.toMinutes()
                    + " min (refused: " + check.reason() + ")"));
        }
    }
}
