package io.impetus.coordinator.status;

import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.FencedException;
import io.impetus.coordinator.store.StoreUnavailableException;
import io.impetus.core.codec.Json;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's status page at {@code /} of its HTTP endpoint: server-rendered HTML with a
 * little plain JavaScript that polls {@code /api/status} every two seconds — streams (backlog, in
 * flight, done, rate, dead letters, properties, open or closed), nodes, the scaler's last
 * decisions, a chart of throughput and backlog over the last ten minutes, and the dead letters a
 * page at a time with replay and discard ({@code POST /api/dead}). Thread-safe.
 */
public final class StatusPage {
    private static final Logger log = LoggerFactory.getLogger(StatusPage.class);
    /** One sample every five seconds, ten minutes of them. */
    public static final long SAMPLE_SECONDS = 5;
    static final int SAMPLES = 120;
    static final int DEAD_PAGE = 50;
    /** How often the dead letters are counted per stream (a pass reads them all). */
    static final long DEAD_COUNT_EVERY_MS = 30_000;

    /** A point of the chart: when, jobs done so far (all streams), jobs waiting. */
    record Sample(long t, long done, long backlog) {
    }

    private final CoordinatorStore store;
    private final NodeRegistry nodes;
    private final ManagementClient management;
    private final DeadLetters dead;
    private final Topology topology;
    private final SigningKey key;
    private final Clock clock;
    private final BooleanSupplier active;
    private final Supplier<Optional<String>> brokerBlocked;
    private volatile List<String> alarms = List.of();
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private volatile Map<String, Long> deadByStream = Map.of();
    private volatile long deadCountedAt;
    private volatile long deadCountedTotal = -1;
    private final AtomicBoolean counting = new AtomicBoolean();
    private final ExecutorService counter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "status-dead-count");
        t.setDaemon(true);
        return t;
    });

    public StatusPage(CoordinatorStore store, NodeRegistry nodes, ManagementClient management, DeadLetters dead,
                      Topology topology, SigningKey key, Clock clock, BooleanSupplier active,
                      Supplier<Optional<String>> brokerBlocked) {
        this.store = store;
        this.nodes = nodes;
        this.management = management;
        this.dead = dead;
        this.topology = topology;
        this.key = key;
        this.clock = clock;
        this.active = active;
        this.brokerBlocked = brokerBlocked;
    }

    /** The page's routes on the coordinator's endpoint. */
    public Map<String, DaemonEndpoint.Handler> routes() {
        Map<String, DaemonEndpoint.Handler> routes = new LinkedHashMap<>();
        routes.put("/api/status", r -> DaemonEndpoint.Response.ok("application/json", statusJson(query(r))));
        routes.put("/api/dead", this::deadAction);
        routes.put("/api/cancel", this::cancelAction);
        routes.put("/", r -> {
            if (!r.uri().getPath().equals("/")) {
                return DaemonEndpoint.Response.text(404, "not found");
            }
            byte[] page = page();
            return DaemonEndpoint.Response.ok("text/html; charset=utf-8", page)
                    .with("Content-Security-Policy", contentSecurityPolicy(page));
        });
        return routes;
    }

    /** Takes a sample for the chart (the coordinator's timer, every {@link #SAMPLE_SECONDS}). */
    public void sample() {
        if (management != null) {
            try {
                alarms = List.copyOf(management.alarms());
            } catch (RuntimeException e) {
                log.debug("status page: no alarms from the management API: {}", e.getMessage());
            }
        }
        QueueSnapshot q = takeQueues();
        synchronized (history) {
            history.addLast(new Sample(q.at(), q.done(), q.backlog()));
            while (history.size() > SAMPLES) {
                history.removeFirst();
            }
        }
    }

    /**
     * The jobs queues' counts per stream ({@code ready, unacknowledged, acked, consumers}) and ack rates, as the
     * management API gave them at {@code at}; {@code done} and {@code backlog} are the sums over all streams.
     */
    record QueueSnapshot(long at, long nanos, Map<String, long[]> counts, Map<String, Double> rates, long done, long backlog) {
    }

    /** The queue counts the page shows: those of the last sample (one bulk call of the management API). */
    private volatile QueueSnapshot queueSnapshot;

    private QueueSnapshot takeQueues() {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, Double> rates = new HashMap<>();
        long done = 0;
        long backlog = 0;
        for (ManagementClient.QueueStats q : queues()) {
            String stream = topology.streamOfJobsQueue(q.name());
            if (stream != null) {
                long[] c = counts.computeIfAbsent(stream, k -> new long[4]);
                c[0] += q.ready();
                c[1] += q.unacknowledged();
                c[2] += q.acked();
                c[3] += q.consumers();
                rates.merge(stream, q.ackRate(), Double::sum);
                done += q.acked();
                backlog += q.ready();
            }
        }
        QueueSnapshot snapshot = new QueueSnapshot(clock.millis(), System.nanoTime(), counts, rates, done, backlog);
        queueSnapshot = snapshot;
        return snapshot;
    }

    /**
     * The last sample's queue counts: a request never waits for the management API (whose answer for
     * thousands of queues takes hundreds of milliseconds) unless no sample was taken lately (the loop not
     * started yet, or stalled).
     */
    private QueueSnapshot latestQueues() {
        QueueSnapshot q = queueSnapshot;
        if (q == null || ageMs(q.nanos()) > STALE_SAMPLE_MS) {
            q = takeQueues();
        }
        return q;
    }

    /** A sample older than this is taken again in the request (three missed samples). */
    static final long STALE_SAMPLE_MS = 3 * SAMPLE_SECONDS * 1000;

    /** The body of {@code /api/status} is made at most once per this many ms per dead page (all viewers share it). */
    static final long RENDER_EVERY_MS = 1000;

    /** {@code at}: a {@link System#nanoTime()}. */
    private record Rendered(long at, int deadOffset, byte[] json) {
    }

    private volatile Rendered rendered;

    /** The body of {@code /api/status}, shared by the requests of one {@link #RENDER_EVERY_MS}. */
    byte[] statusJson(Map<String, String> query) {
        int deadOffset = number(query.get("deadOffset"), 0);
        Rendered r = rendered;
        long now = System.nanoTime();
        if (r != null && r.deadOffset() == deadOffset && ageMs(r.at()) < RENDER_EVERY_MS) {
            return r.json();
        }
        byte[] json = Json.write(status(query));
        rendered = new Rendered(now, deadOffset, json);
        return json;
    }

    /** {@code at}: a {@link System#nanoTime()}. */
    private record DeadPage(long at, long total, int offset, List<Map<String, Object>> rows) {
    }

    private volatile DeadPage deadPage;

    /**
     * A page of dead letters: read from the dead queue (a round trip a letter) only when their number
     * changed, {@link #DEAD_PAGE_EVERY_MS} passed, the page asked is another, or one was replayed or
     * discarded here.
     */
    private List<Map<String, Object>> deadPage(long total, int offset) {
        DeadPage p = deadPage;
        long now = System.nanoTime();
        if (p != null && p.total() == total && p.offset() == offset && ageMs(p.at()) < DEAD_PAGE_EVERY_MS) {
            return p.rows();
        }
        List<Map<String, Object>> rows = dead.list(null, offset, DEAD_PAGE).stream().map(StatusPage::row).toList();
        deadPage = new DeadPage(now, total, offset, rows);
        return rows;
    }

    static final long DEAD_PAGE_EVERY_MS = 10_000;

    /** Milliseconds since {@code nanos} (a {@link System#nanoTime()}). */
    private static long ageMs(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    Map<String, Object> status(Map<String, String> query) {
        int deadOffset = number(query.get("deadOffset"), 0);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("time", clock.instant().toString());
        s.put("active", active.getAsBoolean());
        // a memory or disk alarm: RabbitMQ reads none of the coordinator's publishes until it clears
        s.put("brokerBlocked", brokerBlocked.get().orElse(null));
        s.put("brokerAlarms", alarms);
        long total = dead.count();
        s.put("streams", streams(total));
        s.put("nodes", nodes.recent());
        s.put("scaler", nodes.scaler());
        s.put("schedules", schedulesOrNone());
        synchronized (history) {
            s.put("history", List.copyOf(history));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("total", total);
        d.put("offset", deadOffset);
        d.put("page", deadPage(total, deadOffset));
        s.put("dead", d);
        return s;
    }

    private List<Map<String, Object>> streams(long deadTotal) {
        QueueSnapshot q = latestQueues();
        Map<String, long[]> counts = q.counts(); // ready, unacked, acked, consumers
        Map<String, Double> rates = q.rates();
        Map<String, Long> deadCounts = deadByStream(deadTotal);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StreamInfo info : store.streams(true)) {
            long[] c = counts.getOrDefault(info.id(), new long[4]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stream", info.id());
            row.put("state", info.state().name().toLowerCase(Locale.ROOT));
            row.put("backlog", c[0]);
            row.put("inFlight", c[1]);
            row.put("done", c[2]);
            row.put("consumers", c[3]);
            row.put("rate", rates.getOrDefault(info.id(), 0.0));
            row.put("dead", deadCounts.getOrDefault(info.id(), 0L));
            row.put("properties", info.properties().toMap());
            rows.add(row);
        }
        return rows;
    }

    /**
     * Dead letters per stream as last counted. Counting reads every letter (seconds for tens of
     * thousands), so it runs in the background, never in a request: started when their number
     * changed or {@link #DEAD_COUNT_EVERY_MS} passed, while someone polls the page; the page shows
     * the new counts with its next poll.
     */
    private Map<String, Long> deadByStream(long total) {
        long now = clock.millis();
        if ((total != deadCountedTotal || now - deadCountedAt >= DEAD_COUNT_EVERY_MS) && counting.compareAndSet(false, true)) {
            deadCountedAt = now;
            deadCountedTotal = total;
            try {
                counter.execute(() -> {
                    try {
                        Map<String, Long> counts = new HashMap<>();
                        dead.list(null, 0, DeadLetters.MAX_SCAN).forEach(d -> counts.merge(String.valueOf(d.stream()), 1L,
                                Long::sum));
                        deadByStream = counts;
                    } catch (RuntimeException e) {
                        log.warn("status page: cannot count the dead letters per stream: {}", e.getMessage());
                        deadCountedTotal = -1; // try again with the next poll
                    } finally {
                        counting.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                counting.set(false);
            }
        }
        return deadByStream;
    }

    private List<ManagementClient.QueueStats> queues() {
        if (management == null) {
            return List.of();
        }
        try {
            return management.queues(topology.prefix() + ".stream.");
        } catch (ImpetusException e) {
            log.debug("status page: no queue counts from the management API: {}", e.getMessage());
            return List.of();
        }
    }

    /** The header the page's own requests carry: another site cannot make a browser send it (no CORS here). */
    static final String ACTION_HEADER = "X-Impetus-Action";

    /**
     * {@code POST /api/dead} with {@code action=replay|discard&id=ID} and the {@value #ACTION_HEADER}
     * header: one dead letter replayed or discarded. Without the header it is refused, so a page on
     * another site cannot use a browser's remembered login to replay or discard (cross-site request
     * forgery).
     */
    private DaemonEndpoint.Response deadAction(DaemonEndpoint.Request r) {
        if (!r.method().equals("POST")) {
            return DaemonEndpoint.Response.text(405, "POST action=replay|discard&id=ID");
        }
        if (!"1".equals(r.header(ACTION_HEADER))) {
            return DaemonEndpoint.Response.text(403, "POST with the header " + ACTION_HEADER + ": 1, as the page does");
        }
        Map<String, String> form = parse(new String(r.body(), StandardCharsets.UTF_8));
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
        deadCountedTotal = -1;
        deadPage = null;
        rendered = null;
        return DaemonEndpoint.Response.ok("application/json", Json.write(Map.of("action", action, "id", id, "done", n)));
    }

    private volatile Supplier<List<ScheduleInfo>> schedules = List::of;

    /** Where the page reads the schedules it shows (next run, last run and its outcome, lag, misses). */
    public void schedulesFrom(Supplier<List<ScheduleInfo>> from) {
        this.schedules = from;
    }

    private List<ScheduleInfo> schedulesOrNone() {
        try {
            return schedules.get();
        } catch (RuntimeException e) {
            log.debug("status page: no schedules from the store: {}", e.getMessage());
            return List.of();
        }
    }

    private volatile Function<ControlRequest.CancelJobs, Object> canceller;

    /** How the page's cancel button cancels: the coordinator's own handling of {@code cancel_jobs}, as the admin. */
    public void cancelWith(Function<ControlRequest.CancelJobs, Object> how) {
        this.canceller = how;
    }

    /**
     * {@code POST /api/cancel} with {@code stream=S} (every job of it so far) or {@code stream=S&job=ID},
     * and the {@value #ACTION_HEADER} header, as {@code /api/dead}: the page's key holder acts as the admin.
     */
    private DaemonEndpoint.Response cancelAction(DaemonEndpoint.Request r) {
        if (!r.method().equals("POST")) {
            return DaemonEndpoint.Response.text(405, "POST stream=S[&job=ID]");
        }
        if (!"1".equals(r.header(ACTION_HEADER))) {
            return DaemonEndpoint.Response.text(403, "POST with the header " + ACTION_HEADER + ": 1, as the page does");
        }
        Map<String, String> form = parse(new String(r.body(), StandardCharsets.UTF_8));
        String stream = form.get("stream");
        String job = form.get("job");
        if (stream == null || stream.isBlank()) {
            return DaemonEndpoint.Response.text(400, "give stream (and job, for one job)");
        }
        if (canceller == null) {
            return DaemonEndpoint.Response.text(503, "this coordinator cannot cancel yet");
        }
        try {
            Object cancel = canceller.apply(new ControlRequest.CancelJobs(stream,
                    job == null || job.isBlank() ? null : job, null));
            rendered = null;
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

    private static Map<String, Object> row(DeadLetters.DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", d.position());
        m.put("id", d.id());
        m.put("stream", d.stream());
        m.put("name", d.name());
        m.put("reason", d.reason());
        m.put("time", d.time() == null ? null : d.time().toString());
        m.put("replayable", d.job() != null);
        return m;
    }

    /**
     * The page's policy: its own inline script (by hash) and styles, requests to this endpoint only,
     * never framed, no plugins, forms only to itself.
     */
    static String contentSecurityPolicy(byte[] page) {
        String html = new String(page, StandardCharsets.UTF_8);
        int open = html.indexOf("<script>");
        int close = html.indexOf("</script>", open);
        if (open < 0 || close < 0) {
            throw new IllegalStateException("the status page has no inline script");
        }
        String hash;
        try {
            hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(html.substring(open + "<script>".length(), close).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "default-src 'none'; script-src 'sha256-" + hash + "'; style-src 'unsafe-inline'; connect-src 'self';"
                + " img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static byte[] page() throws IOException {
        try (InputStream in = StatusPage.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IOException("the status page is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    private static Map<String, String> query(DaemonEndpoint.Request r) {
        return parse(r.uri().getRawQuery());
    }

    static Map<String, String> parse(String form) {
        Map<String, String> out = new HashMap<>();
        if (form == null) {
            return out;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new DaemonEndpoint.BadRequest("'" + abbreviate(pair) + "' is not URL-encoded (" + e.getMessage()
                            + ")");
                }
            }
        }
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    private static int number(String text, int fallback) {
        try {
            return text == null ? fallback : Math.max(0, Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
