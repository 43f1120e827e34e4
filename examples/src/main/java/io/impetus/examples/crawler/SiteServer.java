package io.impetus.examples.crawler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the crawler example's generated {@link Site}s over HTTP, each on a port of its own (so
 * each is a separate host:port, as separate sites are), and counts what it was asked for.
 */
public final class SiteServer implements AutoCloseable {
    private final List<Site> sites;
    private final String advertisedHost;
    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "site-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Served> served = new ArrayList<>();

    /** What one site was asked for: requests, by answer, and when the first and last came. */
    public static final class Served {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger unavailable = new AtomicInteger();
        final AtomicInteger forbidden = new AtomicInteger();
        final AtomicInteger missing = new AtomicInteger();
        final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
        final Map<String, Long> refusedAt = new ConcurrentHashMap<>();
        final Queue<Long> retryGaps = new ConcurrentLinkedQueue<>();
        final Queue<Long> times = new ConcurrentLinkedQueue<>();

        public int requests() {
            return requests.get();
        }

        /** Requests per second between the first and the last request. */
        public double rate() {
            LongSummaryStatistics t = times.stream().mapToLong(Long::longValue).summaryStatistics();
            long span = t.getMax() - t.getMin();
            return t.getCount() < 2 || span <= 0 ? 0 : (t.getCount() - 1) / (span / 1e9);
        }

        /** The most requests that came within any one second: what politeness is about. */
        public int peakPerSecond() {
            long[] t = times.stream().mapToLong(Long::longValue).sorted().toArray();
            int peak = 0;
            for (int first = 0, last = 0; last < t.length; last++) {
                while (t[last] - t[first] >= 1_000_000_000L) {
                    first++;
                }
                peak = Math.max(peak, last - first + 1);
            }
            return peak;
        }

        /** Shortest and longest time from a 503 to the next request for that page, in seconds; empty when none came. */
        public Optional<double[]> retryGaps() {
            return retryGaps.isEmpty() ? Optional.empty() : Optional.of(new double[] {
                    retryGaps.stream().mapToLong(Long::longValue).min().orElseThrow() / 1e9,
                    retryGaps.stream().mapToLong(Long::longValue).max().orElseThrow() / 1e9});
        }

        public String summary() {
            return String.format("%d requests (%d ok, %d 503, %d 403, %d 404), %.1f/s on average, at most %d in 1 s",
                    requests.get(), ok.get(), unavailable.get(), forbidden.get(), missing.get(), rate(), peakPerSecond());
        }
    }

    /**
     * Starts one HTTP server per site on {@code bindAddress}, each on a free port; links and URLs
     * use {@code advertisedHost} (loopback by default; a host name the nodes can reach in Docker).
     */
    public SiteServer(List<Site> sites, String bindAddress, String advertisedHost) throws IOException {
        this.sites = List.copyOf(sites);
        this.advertisedHost = advertisedHost;
        try {
            for (Site site : sites) {
                HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, 0), 64);
                Served counts = new Served();
                server.createContext("/", exchange -> handle(site, counts, exchange));
                server.setExecutor(pool);
                server.start();
                servers.add(server);
                served.add(counts);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The base URL of a site, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl(Site site) {
        return "http://" + advertisedHost + ":" + servers.get(site.index()).getAddress().getPort();
    }

    public Served served(Site site) {
        return served.get(site.index());
    }

    private void handle(Site site, Served counts, HttpExchange exchange) throws IOException {
        try (exchange) {
            long now = System.nanoTime();
            counts.times.add(now);
            counts.requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                answer(exchange, 405, "only GET here");
                return;
            }
            if (path.equals(Site.BLOCKED_PATH)) {
                counts.forbidden.incrementAndGet();
                answer(exchange, 403, "<html><body><p>you are blocked</p></body></html>");
                return;
            }
            int page = site.pageOf(path);
            if (page < 0) {
                counts.missing.incrementAndGet();
                answer(exchange, 404, "<html><body><p>not found</p></body></html>");
                return;
            }
            Long refused = counts.refusedAt.remove(path);
            if (refused != null) {
                counts.retryGaps.add(now - refused);
            }
            if (site.isFlaky(page) && counts.refusedOnce.add(path)) {
                counts.refusedAt.put(path, now);
                counts.unavailable.incrementAndGet();
                exchange.getResponseHeaders().add("Retry-After", "1");
                answer(exchange, 503, "<html><body><p>try again later</p></body></html>");
                return;
            }
            counts.ok.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            answer(exchange, 200, html(site, page));
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A page as HTML: its words in paragraphs of ten, its links in a list. */
    String html(Site site, int page) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><title>")
                .append(site.name()).append(" page ").append(page).append("</title></head>\n<body>\n<h1>")
                .append(site.name()).append(" page ").append(page).append("</h1>\n");
        List<String> words = site.words(page);
        for (int i = 0; i < words.size(); i += 10) {
            b.append("<p>").append(String.join(" ", words.subList(i, Math.min(words.size(), i + 10))))
                    .append("</p>\n");
        }
        b.append("<ul>\n");
        for (Site.Link link : site.links(page, sites.size())) {
            String href = link.site() == site.index() ? link.path() : baseUrl(sites.get(link.site())) + link.path();
            b.append("<li><a href=\"").append(href).append("\">").append(href).append("</a></li>\n");
        }
        return b.append("</ul>\n</body></html>\n").toString();
    }

    /** Requests per site, by site name. */
    public Map<String, Served> served() {
        Map<String, Served> bySite = new LinkedHashMap<>();
        sites.forEach(s -> bySite.put(s.name(), served(s)));
        return bySite;
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
        pool.shutdownNow();
    }
}
