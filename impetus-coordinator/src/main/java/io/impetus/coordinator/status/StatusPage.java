package io.impetus.coordinator.status;

import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.codec.Json;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's status page at {@code /} of its HTTP endpoint: one HTML page whose plain JavaScript
 * polls {@code /api/status} every two seconds — streams (a page of them, the busiest first, with totals
 * over all and a filter by name), nodes, the scaler's last decisions, a chart of throughput and backlog
 * over the last ten minutes, and the dead letters a page at a time with replay and discard
 * ({@code POST /api/dead}). Thread-safe.
 *
 * <p>{@code /api/status} takes {@code offset}, {@code limit} and {@code filter} for the streams table
 * (without {@code limit}: every stream) and {@code deadOffset} for the dead letters.
 */
public final class StatusPage {
    private static final Logger log = LoggerFactory.getLogger(StatusPage.class);
    /** One sample every five seconds, ten minutes of them. */
    public static final long SAMPLE_SECONDS = 5;
    static final int SAMPLES = 120;
    static final int DEAD_PAGE = 50;
    /** The body of {@code /api/status} is made at most once per this many ms per query (all viewers share it). */
    static final long RENDER_EVERY_MS = 1000;

    /** A point of the chart: when, jobs done so far (all streams), jobs waiting. */
    record Sample(long t, long done, long backlog) {
    }

    /** {@code at}: a {@link System#nanoTime()}; {@code query}: the request's parameters that shape the body. */
    private record Rendered(long at, String query, byte[] json) {
    }

    private final NodeRegistry nodes;
    private final ManagementClient management;
    private final Clock clock;
    private final BooleanSupplier active;
    private final Supplier<Optional<String>> brokerBlocked;
    private final QueueCounts queues;
    private final StreamsTable streams;
    private final DeadLetterView dead;
    private final PageActions actions;
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private volatile List<String> alarms = List.of();
    private volatile Rendered rendered;
    private volatile Supplier<List<ScheduleInfo>> schedules = List::of;

    public StatusPage(CoordinatorStore store, NodeRegistry nodes, ManagementClient management, DeadLetters dead,
                      Topology topology, SigningKey key, Clock clock, BooleanSupplier active,
                      Supplier<Optional<String>> brokerBlocked) {
        this.nodes = nodes;
        this.management = management;
        this.clock = clock;
        this.active = active;
        this.brokerBlocked = brokerBlocked;
        this.queues = new QueueCounts(management, topology, clock);
        this.streams = new StreamsTable(store);
        this.dead = new DeadLetterView(dead, clock);
        this.actions = new PageActions(store, dead, key, () -> {
            this.dead.changed();
            rendered = null;
        });
    }

    /** The page's routes on the coordinator's endpoint. */
    public Map<String, DaemonEndpoint.Handler> routes() {
        Map<String, DaemonEndpoint.Handler> routes = new LinkedHashMap<>();
        routes.put("/api/status", r -> DaemonEndpoint.Response.ok("application/json", statusJson(PageSource.query(r))));
        routes.put("/api/dead", actions::dead);
        routes.put("/api/cancel", actions::cancel);
        routes.put("/", PageSource::page);
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
        QueueCounts.Snapshot q = queues.take();
        synchronized (history) {
            history.addLast(new Sample(q.at(), q.done(), q.backlog()));
            while (history.size() > SAMPLES) {
                history.removeFirst();
            }
        }
    }

    /** Where the page reads the schedules it shows (next run, last run and its outcome, lag, misses). */
    public void schedulesFrom(Supplier<List<ScheduleInfo>> from) {
        this.schedules = from;
    }

    /** How the page's cancel button cancels: the coordinator's own handling of {@code cancel_jobs}, as the admin. */
    public void cancelWith(Function<ControlRequest.CancelJobs, Object> how) {
        actions.cancelWith(how);
    }

    /** The body of {@code /api/status}, shared by the requests of one {@link #RENDER_EVERY_MS} that ask the same. */
    byte[] statusJson(Map<String, String> query) {
        String key = query.get("deadOffset") + "|" + query.get("offset") + "|" + query.get("limit") + "|"
                + query.get("filter");
        Rendered r = rendered;
        long now = System.nanoTime();
        if (r != null && r.query().equals(key) && ageMs(r.at()) < RENDER_EVERY_MS) {
            return r.json();
        }
        byte[] json = Json.write(status(query));
        rendered = new Rendered(now, key, json);
        return json;
    }

    Map<String, Object> status(Map<String, String> query) {
        int deadOffset = PageSource.number(query.get("deadOffset"), 0);
        String limit = query.get("limit");
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("time", clock.instant().toString());
        s.put("active", active.getAsBoolean());
        // a memory or disk alarm: RabbitMQ reads none of the coordinator's publishes until it clears
        s.put("brokerBlocked", brokerBlocked.get().orElse(null));
        s.put("brokerAlarms", alarms);
        long total = dead.total();
        StreamsTable.Window w = streams.window(queues.latest(), dead.byStream(total),
                PageSource.number(query.get("offset"), 0), limit == null ? null : PageSource.number(limit,
                        StreamsTable.PAGE), query.get("filter"));
        s.put("streams", w.rows());
        s.put("streamPage", w.page());
        s.put("streamTotals", w.totals());
        s.put("nodes", nodes.recent());
        s.put("scaler", nodes.scaler());
        s.put("schedules", schedulesOrNone());
        synchronized (history) {
            s.put("history", List.copyOf(history));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("total", total);
        d.put("offset", deadOffset);
        d.put("page", dead.page(total, deadOffset));
        s.put("dead", d);
        return s;
    }

    private List<ScheduleInfo> schedulesOrNone() {
        try {
            return schedules.get();
        } catch (RuntimeException e) {
            log.debug("status page: no schedules from the store: {}", e.getMessage());
            return List.of();
        }
    }

    static Map<String, String> parse(String form) {
        return PageSource.parse(form);
    }

    /** Milliseconds since {@code nanos} (a {@link System#nanoTime()}). */
    static long ageMs(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
