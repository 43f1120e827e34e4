package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.topology.Topology;
import io.impetus.dist.fixtures.Jobs;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.HasAuthentication;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The coordinator's status page in a real browser (Debian's chromium and chromedriver, driven by
 * Selenium): during a run the stream's done count grows on the page; a job that failed for good
 * shows in the dead letters with its reason; pressing replay on it runs it again and its result
 * comes back to the client's results queue. A screenshot goes to target/status-page.png.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StatusPageIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String KEY = "page-key";

    static WebDriver browser(Path profile) {
        boolean there = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!there && "true".equals(System.getenv("IMPETUS_BROWSER_REQUIRED"))) {
            throw new IllegalStateException("IMPETUS_BROWSER_REQUIRED=true but chromium or chromedriver is missing"
                    + " (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(there, "needs Debian's chromium and chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The stream's done count on the page, or -1 (not shown yet, or redrawn while it was read: the page redraws every 2 s). */
    private static long done(WebDriver page) {
        try {
            List<WebElement> cells = page.findElements(By.cssSelector("#streams tr[data-stream='page'] td.done"));
            return cells.isEmpty() ? -1 : Long.parseLong(cells.get(0).getText().trim());
        } catch (StaleElementReferenceException e) {
            return -1;
        }
    }

    @Test
    void thePageShowsARunItsDeadLettersAndReplaysOne(@TempDir Path tmp) throws Exception {
        try (Cluster cluster = new Cluster("page")) {
            cluster.env.put("IMPETUS_HTTP_KEY", KEY);
            int port = freePort();
            cluster.startCoordinator("--http-port", String.valueOf(port));
            cluster.startNode(2);
            WebDriver page = browser(tmp.resolve("profile"));
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                ((HasAuthentication) page).register(() -> new UsernameAndPassword("impetus", KEY));
                page.get("http://127.0.0.1:" + port + "/");
                Impetus.Stream stream = impetus.stream("page", Map.of("maxAttempts", 1));
                List<Impetus.LateResult> late = new CopyOnWriteArrayList<>();
                impetus.onLateResult(late::add);
                Path marks = tmp.resolve("marks.txt");
                CompletableFuture<String> broken = stream.fork(Jobs::flaky, marks + "|replayed");
                List<CompletableFuture<Long>> run = new ArrayList<>();
                CompletableFuture<Void> forking = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 1200; i++) {
                        run.add(stream.fork(Jobs::sleep, 20L));
                    }
                });
                long first = await().atMost(Duration.ofSeconds(60)).until(() -> done(page), d -> d >= 0);
                await().atMost(Duration.ofSeconds(90)).until(() -> done(page) > first + 20);
                assertThat(broken).failsWithin(Duration.ofSeconds(60));

                // the page redraws its tables every 2 s: read what is needed at once, find again to act
                String[] row = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    WebElement r = page.findElement(By.cssSelector("#dead tr[data-id]"));
                    return new String[] {r.getAttribute("data-id"), r.getText()};
                }, r -> r[1].contains("died"));
                assertThat(row[1]).contains("page", "flaky");
                String id = row[0];
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> page.findElement(
                        By.cssSelector("#streams tr[data-stream='page'] td.dead")).getText().equals("1"));
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Integer.parseInt(String.valueOf(page.findElement(
                        By.id("chart")).getAttribute("data-points"))) >= 3); // the chart has a few points
                Files.createDirectories(Path.of("target"));
                Files.write(Path.of("target", "status-page.png"), ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));
                forking.get(60, TimeUnit.SECONDS);
                CompletableFuture.allOf(run.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

                // a request another site could make a browser send (no X-Impetus-Action header) is refused
                HttpResponse<String> forged = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/dead"))
                                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                                        ("impetus:" + KEY).getBytes(StandardCharsets.UTF_8)))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("action=discard&id=" + id)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(forged.statusCode()).isEqualTo(403);

                Files.writeString(Path.of(marks + ".ok"), "fixed");
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                    page.findElement(By.cssSelector("#dead tr[data-id='" + id + "'] button.replay")).click();
                    return true;
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marks)
                        && Files.readAllLines(marks).contains("replayed"));
                // its result comes back to this client, as a new job of the replay
                await().atMost(Duration.ofSeconds(30)).until(() -> !late.isEmpty());
                assertThat(late.get(0).jobId()).isEqualTo(id + "-r1");
                assertThat(late.get(0).ok()).isTrue();
                assertThat(late.get(0).value().asText()).isEqualTo("replayed");
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                        page.findElements(By.cssSelector("#dead tr[data-id='" + id + "']")).isEmpty());

                // still useful with 200 streams and 10,000 dead letters: measured, a page of 50 at a time
                for (int i = 1; i < 200; i++) {
                    cluster.control().call(new ControlRequest.CreateStream("many-" + i, Map.of()),
                            CreateStreamResult.class);
                }
                Topology t = cluster.settings.topology();
                List<CompletableFuture<Void>> published = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    published.add(cluster.broker().publish(OutboundMessage.to(t.deadExchange(), "x")
                            .body(("not a job " + i).getBytes(StandardCharsets.UTF_8)).messageId("junk-" + i)
                            .headers(Map.of(Topology.REASON_HEADER, "junk for the page test",
                                    Topology.STREAM_HEADER, "many-1")).build()));
                }
                CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                long start = System.nanoTime();
                page.navigate().refresh();
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> page.findElements(By.cssSelector("#streams tbody tr"))
                        .size() == 200 && page.findElements(By.cssSelector("#dead tbody tr")).size() == 50);
                double loaded = (System.nanoTime() - start) / 1e6;
                String total = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                        page.findElement(By.id("dead-total")).getText(), text -> text.contains("10000"));
                System.out.printf("status page: 200 streams and %s dead letters shown (a page of 50) %.0f ms after"
                        + " a reload%n", total, loaded);
                page.findElement(By.id("dead-next")).click(); // the buttons are not redrawn
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                        page.findElement(By.id("dead-total")).getText().contains("51–100"));
            } finally {
                page.quit();
            }
            // opened as http://impetus:KEY@host/ (a bookmark, a link in a runbook): the browser refuses fetch() of a
            // URL that carries credentials, so the page must ask its own origin; and its policy lets its script run
            WebDriver bookmarked = browser(tmp.resolve("profile-2"));
            try {
                bookmarked.get("http://impetus:" + KEY + "@127.0.0.1:" + port + "/");
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                        bookmarked.findElement(By.id("coordinator")).getText(), text -> text.contains("coordinator active"));
                assertThat(bookmarked.findElement(By.id("updated")).getText()).doesNotContain("cannot reach");
            } finally {
                bookmarked.quit();
            }
        }
    }
}
