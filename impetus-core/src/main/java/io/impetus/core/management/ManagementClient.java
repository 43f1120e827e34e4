package io.impetus.core.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.codec.Json;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads RabbitMQ's management HTTP API (the {@code rabbitmq_management} plugin) with the same
 * user and authkey as AMQP. Ready <em>and</em> unacknowledged counts come from here; AMQP only
 * tells the ready ones.
 */
public final class ManagementClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<URI> bases;
    private volatile URI base;
    private final String vhost;
    private final String authorization;
    private final HttpClient http;

    public ManagementClient(ConnectionSettings settings) {
        this.bases = settings.managementUris();
        this.base = bases.get(0);
        this.vhost = settings.vhost();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.user() + ":" + settings.authkey()).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The management API's base URI. */
    public URI base() {
        return base;
    }

    /** Versions of the broker and of the management plugin. */
    public record Overview(String rabbitmqVersion, String managementVersion, String clusterName) {
    }

    /** One queue's counts and rates. */
    public record QueueStats(String name, long ready, long unacknowledged, int consumers,
                             double publishRate, double deliverRate, double ackRate, long acked) {
        public QueueStats(String name, long ready, long unacknowledged, int consumers, double publishRate,
                          double deliverRate, double ackRate) {
            this(name, ready, unacknowledged, consumers, publishRate, deliverRate, ackRate, 0);
        }
    }

    public Overview overview() {
        JsonNode n = get("/api/overview");
        return new Overview(n.path("rabbitmq_version").asText(null), n.path("management_version").asText(null),
                n.path("cluster_name").asText(null));
    }

    /** Queues a page of the management API's answer holds (its largest page). */
    static final int PAGE_SIZE = 500;

    /**
     * Every queue of this vhost whose name starts with {@code prefix}. The broker filters by name
     * ({@code name=^prefix&use_regex=true}, which needs paging) and adds the message counts and rates
     * to the matching queues only, so a pass costs what this prefix's queues cost, not what every
     * queue of the vhost costs; a management API that answers a plain array (no paging) is filtered here.
     */
    public List<QueueStats> queues(String prefix) {
        List<QueueStats> out = new ArrayList<>();
        for (JsonNode q : named("queues", prefix, "name,messages_ready,messages_unacknowledged,consumers,message_stats")) {
            JsonNode stats = q.path("message_stats");
            out.add(new QueueStats(q.path("name").asText(), q.path("messages_ready").asLong(),
                    q.path("messages_unacknowledged").asLong(), q.path("consumers").asInt(),
                    stats.path("publish_details").path("rate").asDouble(),
                    stats.path("deliver_get_details").path("rate").asDouble(),
                    stats.path("ack_details").path("rate").asDouble(), stats.path("ack").asLong()));
        }
        return out;
    }

    /** The names of this vhost's queues that start with {@code prefix} (paged and filtered as {@link #queues}). */
    public Set<String> queueNames(String prefix) {
        return names("queues", prefix);
    }

    /** The names of this vhost's exchanges that start with {@code prefix} (paged and filtered as {@link #queues}). */
    public Set<String> exchangeNames(String prefix) {
        return names("exchanges", prefix);
    }

    private Set<String> names(String kind, String prefix) {
        Set<String> out = new HashSet<>();
        named(kind, prefix, "name").forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    /**
     * Every item of {@code /api/<kind>/<vhost>} whose name starts with {@code prefix}, with only {@code columns}:
     * filtered by the broker ({@code name=^prefix&use_regex=true}, which needs paging) and here (for a
     * management API that answers a plain array); a name on two pages (the list changed between them) counts once.
     */
    private Collection<JsonNode> named(String kind, String prefix, String columns) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String path = "/api/" + kind + "/" + enc(vhost) + "?columns=" + columns + "&use_regex=true&name="
                + enc("^" + literalRegex(prefix)) + "&page_size=" + PAGE_SIZE;
        for (int page = 1; ; page++) {
            JsonNode answer = get(path + "&page=" + page);
            JsonNode items = answer.isArray() ? answer : answer.path("items");
            for (JsonNode item : items) {
                String name = item.path("name").asText();
                if (name.startsWith(prefix)) {
                    out.put(name, item);
                }
            }
            if (answer.isArray() || page >= answer.path("page_count").asInt(0)) {
                return out.values();
            }
        }
    }

    /** {@code text} as a regular expression that matches only itself (every character but letters and digits escaped). */
    static String literalRegex(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c < 128 && !Character.isLetterOrDigit(c)) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** One AMQP connection of this vhost: the client's port (to tell whose it is) and its open channels. */
    public record ConnectionStats(String name, int peerPort, int channels) {
    }

    /** Every AMQP connection to this vhost, with its open channels. */
    public List<ConnectionStats> connections() {
        JsonNode array = get("/api/vhosts/" + enc(vhost) + "/connections?columns=name,peer_port,channels");
        List<ConnectionStats> out = new ArrayList<>();
        for (JsonNode c : array) {
            out.add(new ConnectionStats(c.path("name").asText(), c.path("peer_port").asInt(), c.path("channels").asInt()));
        }
        return out;
    }

    /**
     * The resource alarms in effect in the cluster, as {@code "memory on rabbit@host"} or
     * {@code "disk on rabbit@host"}: while any is, RabbitMQ blocks every connection that publishes.
     * Empty when there is none. Needs only the {@code management} tag.
     */
    public List<String> alarms() {
        JsonNode n = get("/api/health/checks/alarms");
        List<String> out = new ArrayList<>();
        for (JsonNode a : n.path("alarms")) {
            out.add(a.path("resource").asText("?") + " on " + a.path("node").asText("?"));
        }
        if (out.isEmpty() && "failed".equals(n.path("status").asText())) {
            out.add(n.path("reason").asText("an alarm"));
        }
        return out;
    }

    /**
     * GETs {@code path} from the management API that answered last, and from the others of a
     * cluster's list in turn when it cannot be reached or answers 5xx.
     */
    private JsonNode get(String path) {
        URI first = base;
        BrokerException last = null;
        for (int i = 0; i < bases.size(); i++) {
            URI candidate = bases.get((bases.indexOf(first) + i) % bases.size());
            try {
                JsonNode n = get(candidate, path);
                base = candidate;
                return n;
            } catch (BrokerException e) {
                if (e.kind() != BrokerException.Kind.UNREACHABLE && !String.valueOf(e.getMessage()).contains("HTTP 5")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private JsonNode get(URI base, String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Authorization", authorization).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new BrokerException(BrokerException.Kind.UNREACHABLE, "cannot reach the RabbitMQ management API at "
                    + base + " (" + e.getClass().getSimpleName() + ") — enable it with"
                    + " 'rabbitmq-plugins enable rabbitmq_management'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException(BrokerException.Kind.OTHER, "interrupted while calling " + base, e);
        }
        if (response.statusCode() == 401) {
            throw new BrokerException(BrokerException.Kind.AUTHENTICATION, "the management API at " + base
                    + " refused the credentials (HTTP 401) — check the authkey, and that the user has the"
                    + " 'management' or 'monitoring' tag", null);
        }
        // a health check that finds trouble says what in a 503's body
        boolean findings = response.statusCode() == 503 && path.startsWith("/api/health/");
        if (response.statusCode() != 200 && !findings) {
            throw new BrokerException(BrokerException.Kind.PROTOCOL, "the management API at " + base + path
                    + " answered HTTP " + response.statusCode(), null);
        }
        return Json.read(response.body(), JsonNode.class);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
