package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.examples.crawler.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crawler example end to end: a real coordinator, a scaler with the local provider starting
 * real nodes, and the crawler as its own process serving its sites on loopback. The crawl must
 * find every page and count every word once, stay under each site's maxRate, retry the flaky
 * pages after a delay, give up on the missing page, and have its blocked node replaced.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrawlerIT {
    static final int SITES = 2;
    static final int PAGES = 100;
    static final double MAX_RATE = 20;

    @Test
    void crawlsEverySitePolitelyRetriesFlakyPagesAndHasTheBlockedNodeReplaced(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster("crawler")) {
            cluster.startCoordinator();
            Daemon scaler = Daemon.impetus(cluster.prefix + "-scaler", cluster.env, "scaler", "foreground", "--insecure-http",
                    "--provider", "local", "--min-nodes", "1", "-n", "2", "-m", "2", "--interval", "1", "--cooldown", "2",
                    "--hysteresis", "2", "--idle-time", "120", "-o", "0", "--node-logdir", dir.resolve("nodes").toString());
            try (scaler) {
                await().atMost(Duration.ofSeconds(60)).until(() -> scaler.log().contains("scaler started"));
                Path tasks = dir.resolve("tasks");
                Daemon crawler = Daemon.java(cluster.prefix + "-crawler", "io.impetus.examples.crawler.Crawler",
                        cluster.env, "--sites", "" + SITES, "--pages", "" + PAGES, "--max-rate", "" + MAX_RATE,
                        "--taskdir", tasks.toString());
                int exit = crawler.await(240);
                String out = crawler.log();
                System.out.println("CrawlerIT output (progress lines left out):");
                out.lines().filter(l -> !l.startsWith("thread:")).forEach(l -> System.out.println("  " + l));
                assertThat(exit).as(out).isZero();

                List<Site> sites = Site.of(SITES, PAGES);
                String id = out.lines().filter(l -> l.startsWith("My Id: ")).findFirst().orElseThrow().substring(7);
                Map<String, Long> counted = new TreeMap<>();
                for (String line : Files.readAllLines(tasks.resolve(id).resolve("words.tsv"))) {
                    String[] f = line.split("\t");
                    counted.put(f[0], Long.parseLong(f[1]));
                }
                assertThat(counted).as("every page's words, each counted once").isEqualTo(Site.expectedCounts(sites));

                long flaky = IntStream.range(0, PAGES).filter(sites.get(0)::isFlaky).count();
                assertThat(flaky).isPositive();
                for (Site site : sites) {
                    Matcher row = Pattern.compile("(?m)^" + site.name() + "\\s+crawl-" + site.name()
                            + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+) requests .*, ([0-9.]+)/s on average, at most (\\d+) in 1 s$").matcher(out);
                    assertThat(row.find()).as("summary row of " + site.name() + " in\n" + out).isTrue();
                    assertThat(Integer.parseInt(row.group(1))).as("fetched").isEqualTo(PAGES);
                    assertThat(Long.parseLong(row.group(2))).as("retried (flaky pages)").isEqualTo(flaky);
                    assertThat(Integer.parseInt(row.group(3))).as("gave up (the missing page)").isEqualTo(1);
                    assertThat(Integer.parseInt(row.group(4))).as("blocked").isEqualTo(site.index() == 0 ? 1 : 0);
                    assertThat(Integer.parseInt(row.group(5))).as("requests the site saw")
                            .isEqualTo(PAGES + (int) flaky + 1 + (site.index() == 0 ? 1 : 0));
                    // the coordinator's token bucket holds a tenth of a second's worth: 2 at 20/s
                    Matcher gap = Pattern.compile("(?m)^" + site.name() + ": a page that answered 503 was asked again"
                            + " ([0-9.]+)–([0-9.]+) s later").matcher(out);
                    assertThat(gap.find()).as("retry gaps of " + site.name()).isTrue();
                    assertThat(Double.parseDouble(gap.group(1))).as("shortest 503 → retry gap, s (delay 1 s, held by"
                            + " the coordinator)").isGreaterThanOrEqualTo(0.95);
                    assertThat(Integer.parseInt(row.group(7))).as("most requests the site saw in 1 s (maxRate " + MAX_RATE
                            + "/s)").isLessThanOrEqualTo((int) (MAX_RATE * 1.1) + 2);
                }
                assertThat(out).contains("fetched completed", "parsed completed", "indexed completed")
                        .containsPattern("(?m)^indexed\\s+0\\s+" + SITES * PAGES + "\\s+0$")
                        .contains("Top 15 of 60 distinct words")
                        .containsPattern("failed \\(HTTP 503 from .*\\); attempt 2 in 1 s");
                assertThat(scaler.log()).contains("reported itself blocked and has drained; replacing it");
            }
        }
    }
}
