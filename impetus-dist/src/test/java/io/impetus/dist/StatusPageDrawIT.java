package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.status.StatusPage;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.HasAuthentication;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The status page with 1,000 streams and 10,000 dead letters in a real browser (Debian's chromium, as
 * {@link StatusPageIT}): the page's own routes served in this JVM over an H2 store of 1,000 streams, a
 * local stand-in for the management API (stream {@code sN} has a backlog of N) and a {@link FakeBroker}
 * holding 10,000 dead letters. It asserts what an operator sees — the busiest streams first, every
 * stream reachable by paging and by the filter, the dead letters a page of 50 at a time — and prints
 * (never asserts) the time to draw the page and the time of {@code /api/status}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StatusPageDrawIT {
    static final int STREAMS = 1000;
    static final int DEAD = 10_000;
    static final String KEY = "draw-key";

    @Test
    void everyStreamIsReachableAndTheDeadLettersArePagedWith1000StreamsAnd10000DeadLetters(@TempDir Path tmp)
            throws Exception {
        Topology topology = Topology.DEFAULT;
        HttpServer management = managementStandIn(topology);
        try (CoordinatorStore store = CoordinatorStore.open(tmp.resolve("store"))) {
            for (int i = 0; i < STREAMS; i++) {
                store.saveStream(new StreamInfo("s" + i, StreamProperties.DEFAULTS, StreamInfo.State.OPEN, Instant.now(),
                        null));
            }
            FakeBroker broker = new FakeBroker();
            broker.declareQueue(QueueSpec.durable(topology.deadQueue()));
            for (int i = 0; i < DEAD; i++) {
                byte[] letter = ("{\"id\":\"j" + i + "\",\"stream\":\"s" + (i % STREAMS) + "\",\"name\":\"f\"}")
                        .getBytes(StandardCharsets.UTF_8);
                broker.hold(topology.deadQueue(), new InboundMessage("", "", letter, null, Map.of(), 0, null, null,
                        "j" + i, null, false, null));
            }
            ManagementClient client = new ManagementClient(new ConnectionSettings("127.0.0.1", 5672, "u", "p", "/", false,
                    URI.create("http://127.0.0.1:" + management.getAddress().getPort()), topology));
            StatusPage status = new StatusPage(store, new NodeRegistry(Clock.systemUTC()), client,
                    new DeadLetters(broker, topology), topology, null, Clock.systemUTC(), () -> true, Optional::empty);
            status.sample();
            // as the coordinator's SampleStatus step: the queue counts a request serves come from a sample every 5 s
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleWithFixedDelay(status::sample, StatusPage.SAMPLE_SECONDS, StatusPage.SAMPLE_SECONDS,
                    TimeUnit.SECONDS);
            try (DaemonEndpoint endpoint = DaemonEndpoint.start("coordinator", "127.0.0.1", 0, KEY, status.routes())) {
                String base = "http://127.0.0.1:" + endpoint.port() + "/";
                apiStatusTimes(base, "", "every stream");
                apiStatusTimes(base, "&offset=0&limit=200&filter=", "the page's request, 200 streams");
                WebDriver page = StatusPageIT.browser(tmp.resolve("profile"));
                try {
                    ((HasAuthentication) page).register(() -> new UsernameAndPassword("impetus", KEY));
                    for (int round = 0; round < 4; round++) { // the first rounds warm the JIT and the browser up
                        drawTime(page, base, round);
                    }
                    operatorView(page);
                } finally {
                    page.quit();
                }
            } finally {
                sampler.shutdownNow();
            }
        } finally {
            management.stop(0);
        }
    }

    /**
     * Prints {@code /api/status}'s time as a viewer polling every 2 s sees it: each request a little over
     * {@code RENDER_EVERY_MS} after the last and for another dead page, so none is served from a cache.
     */
    private static void apiStatusTimes(String base, String query, String what) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("impetus:" + KEY).getBytes(StandardCharsets.UTF_8));
        List<Double> times = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i < 9; i++) {
            await().pollDelay(Duration.ofMillis(1100)).until(() -> true);
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/status?deadOffset=" + i * 50
                    + query))
                    .header("Authorization", auth).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            times.add((System.nanoTime() - t) / 1e6);
            assertThat(r.statusCode()).isEqualTo(200);
            bytes = r.body().length;
        }
        List<Double> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        System.out.printf("BENCH status page: /api/status (%s) with %d streams and %d dead letters, %d bytes: median"
                + " %.1f ms (each: %s)%n", what, STREAMS, DEAD, bytes, sorted.get(sorted.size() / 2), rounded(times));
    }

    /**
     * Navigates to the page and waits until it has drawn its streams and its dead letters: the page marks
     * {@code data-drawn} on {@code <html>} with {@code performance.now()} (ms since the navigation began)
     * when its first answer is on screen.
     */
    private static void drawTime(WebDriver page, String base, int round) {
        long t = System.nanoTime();
        page.get(base + "?round=" + round);
        Object drawn = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                ((JavascriptExecutor) page).executeScript("return document.documentElement.dataset.drawn"), d -> d != null);
        double wall = (System.nanoTime() - t) / 1e6;
        int rows = page.findElements(By.cssSelector("#streams tbody tr")).size();
        int dead = page.findElements(By.cssSelector("#dead tbody tr")).size();
        Object parts = ((JavascriptExecutor) page).executeScript("const n = performance.getEntriesByType('navigation')[0];"
                + " const e = performance.getEntriesByType('resource').find(x => x.name.includes('api/status'));"
                + " return 'page loaded ' + Math.round(n.domContentLoadedEventEnd) + ' ms, /api/status asked at '"
                + " + Math.round(e.startTime) + ' ms, answered at ' + Math.round(e.responseEnd) + ' ms ('"
                + " + Math.round(e.duration) + ' ms)'");
        System.out.printf("BENCH status page round %d: drawn %.0f ms after navigation began (performance.now()),"
                + " %.0f ms by the test's clock; %s; %d stream rows and %d dead letter rows drawn%n",
                round, Double.parseDouble(String.valueOf(drawn)), wall, parts, rows, dead);
        assertThat(dead).isEqualTo(50);
    }

    /** The busiest streams first, every one reachable by paging and by the filter, the dead letters a page at a time. */
    private static void operatorView(WebDriver page) {
        List<String> first = shownStreams(page);
        assertThat(first).as("the busiest (largest backlog) first").startsWith("s999", "s998", "s997");
        assertThat(page.findElement(By.id("stream-count")).getText()).contains("1000");
        Set<String> seen = new HashSet<>(first);
        for (int i = 0; i < 40 && page.findElement(By.id("streams-next")).isEnabled(); i++) {
            List<String> before = shownStreams(page);
            page.findElement(By.id("streams-next")).click();
            seen.addAll(await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> shownStreams(page),
                    now -> !now.equals(before)));
        }
        assertThat(seen).as("every stream reachable by paging").hasSize(STREAMS).contains("s0", "s500", "s999");

        WebElement filter = page.findElement(By.id("filter"));
        filter.clear();
        filter.sendKeys("s12");
        assertThat(await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> shownStreams(page),
                now -> now.size() == 11)).as("s12 and s120..s129, busiest first").startsWith("s129").contains("s12");
        filter.clear();
        filter.sendKeys("s0");
        assertThat(await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> shownStreams(page),
                now -> now.size() == 1)).containsExactly("s0");

        assertThat(page.findElement(By.id("dead-total")).getText()).contains("10000", "1–50");
        page.findElement(By.id("dead-next")).click();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                page.findElement(By.id("dead-total")).getText().contains("51–100"));
        assertThat(page.findElements(By.cssSelector("#dead tbody tr"))).hasSize(50);
    }

    private static List<String> shownStreams(WebDriver page) {
        // read at once: the page redraws its tables every 2 s
        Object names = ((JavascriptExecutor) page).executeScript("return Array.from(document.querySelectorAll("
                + "'#streams tbody tr[data-stream]')).map(r => r.dataset.stream)");
        return ((List<?>) names).stream().map(String::valueOf).toList();
    }

    /** A stand-in for the management API: stream {@code sN}'s jobs queue has a backlog of N. */
    private static HttpServer managementStandIn(Topology topology) throws Exception {
        StringBuilder queues = new StringBuilder("[");
        for (int i = 0; i < STREAMS; i++) {
            String s = "s" + i;
            queues.append(i == 0 ? "" : ",").append("{\"name\":\"").append(topology.jobsQueue(s))
                    .append("\",\"messages_ready\":").append(i).append(",\"messages_unacknowledged\":1,\"consumers\":2,"
                            + "\"message_stats\":{\"ack\":10,\"ack_details\":{\"rate\":0.5}}}");
            queues.append(",{\"name\":\"").append(topology.resultsQueue(s, "c1"))
                    .append("\",\"messages_ready\":0,\"messages_unacknowledged\":0,\"consumers\":1}");
        }
        byte[] body = queues.append("]").toString().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            byte[] answer = x.getRequestURI().getPath().startsWith("/api/queues") ? body
                    : "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        server.start();
        return server;
    }

    private static String rounded(List<Double> times) {
        return times.stream().map(t -> String.format("%.0f", t)).toList().toString();
    }
}
