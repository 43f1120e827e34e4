package io.impetus.coordinator.status;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.FencedException;
import io.impetus.coordinator.store.StoreUnavailableException;
import io.impetus.core.codec.Json;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.security.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page's buttons: {@code POST /api/dead} (replay or discard a dead letter) and {@code POST /api/cancel}.
 * Each needs the {@value #ACTION_HEADER} header, so a page on another site cannot use a browser's remembered
 * login to act (cross-site request forgery). Thread-safe.
 */
final class PageActions {
    private static final Logger log = LoggerFactory.getLogger(PageActions.class);
    /** The header the page's own requests carry: another site cannot make a browser send it (no CORS here). */
    static final String ACTION_HEADER = "X-Impetus-Action";

    private final CoordinatorStore store;
    private final DeadLetters dead;
    private final SigningKey key;
    /** Called after an action, so the next poll shows its effect. */
    private final Runnable changed;
    private volatile Function<ControlRequest.CancelJobs, Object> canceller;

    PageActions(CoordinatorStore store, DeadLetters dead, SigningKey key, Runnable changed) {
        this.store = store;
        this.dead = dead;
        this.key = key;
        this.changed = changed;
    }

    void cancelWith(Function<ControlRequest.CancelJobs, Object> how) {
        this.canceller = how;
    }

    /** {@code POST /api/dead} with {@code action=replay|discard&id=ID}: one dead letter replayed or discarded. */
    DaemonEndpoint.Response dead(DaemonEndpoint.Request r) {
        if (!r.method().equals("POST")) {
            return DaemonEndpoint.Response.text(405, "POST action=replay|discard&id=ID");
        }
        if (!"1".equals(r.header(ACTION_HEADER))) {
            return DaemonEndpoint.Response.text(403, "POST with the header " + ACTION_HEADER + ": 1, as the page does");
        }
        Map<String, String> form = PageSource.parse(new String(r.body(), StandardCharsets.UTF_8));
        String id = form.get("id");
        String action = form.get("action");
        if (id == null || id.isBlank() || action == null) {
            return DaemonEndpoint.Response.text(400, "give action=replay|discard and id");
        }
        int n = switch (action) {
            case "replay" -> dead.replay(d -> id.equals(d.id()), stream -> store.stream(stream).orElse(null), key);
            case "discard" -> dead.discard(d -> id.equals(d.id()));
            default -> -1;
        };
        if (n < 0) {
            return DaemonEndpoint.Response.text(400, "action is replay or discard, not " + action);
        }
        log.info("status page: {} dead letter {}: {}", action, id, n == 0 ? "not done (gone, or cannot be)" : "done");
        changed.run();
        return DaemonEndpoint.Response.ok("application/json", Json.write(Map.of("action", action, "id", id, "done", n)));
    }

    /**
     * {@code POST /api/cancel} with {@code stream=S} (every job of it so far) or {@code stream=S&job=ID}:
     * the page's key holder acts as the admin.
     */
    DaemonEndpoint.Response cancel(DaemonEndpoint.Request r) {
        if (!r.method().equals("POST")) {
            return DaemonEndpoint.Response.text(405, "POST stream=S[&job=ID]");
        }
        if (!"1".equals(r.header(ACTION_HEADER))) {
            return DaemonEndpoint.Response.text(403, "POST with the header " + ACTION_HEADER + ": 1, as the page does");
        }
        Map<String, String> form = PageSource.parse(new String(r.body(), StandardCharsets.UTF_8));
        String stream = form.get("stream");
        String job = form.get("job");
        if (stream == null || stream.isBlank()) {
            return DaemonEndpoint.Response.text(400, "give stream (and job, for one job)");
        }
        Function<ControlRequest.CancelJobs, Object> how = canceller;
        if (how == null) {
            return DaemonEndpoint.Response.text(503, "this coordinator cannot cancel yet");
        }
        try {
            Object cancel = how.apply(new ControlRequest.CancelJobs(stream, job == null || job.isBlank() ? null : job, null));
            changed.run();
            log.info("status page: cancel of {} of stream {}", job == null ? "every job" : "job " + job, stream);
            return DaemonEndpoint.Response.ok("application/json", Json.write(cancel));
        } catch (RpcException e) {
            RpcError.Code code = e.error().code();
            return DaemonEndpoint.Response.text(code == RpcError.Code.UNKNOWN_STREAM
                    || code == RpcError.Code.UNKNOWN_JOB ? 404 : 400, e.getMessage());
        } catch (FencedException | StoreUnavailableException e) {
            // a cancel is recorded by the lease holder only: a standby's page (or one cut off from its store) cannot
            return DaemonEndpoint.Response.text(503, "cancel not recorded: " + e.getMessage()
                    + " — use the active coordinator's page, or impetus cancel");
        }
    }
}
