package io.impetus.examples.crawler;

import io.impetus.client.Client;
import io.impetus.client.ClientOptions;
import io.impetus.client.ForkOptions;
import io.impetus.examples.crawler.CrawlJobs.Counts;
import io.impetus.examples.crawler.CrawlJobs.FetchTask;
import io.impetus.examples.crawler.CrawlJobs.Page;
import io.impetus.examples.crawler.CrawlJobs.Parsed;
import io.impetus.client.Job;
import io.impetus.client.NodeBlockedException;
import io.impetus.client.Process;
import io.impetus.client.Progress;
import io.impetus.client.Shutdown;
import io.impetus.client.Startup;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small distributed web crawler, the kind of program Impetus was first built for.
 *
 * <pre>
 *   start ──fetch──▶ fetched ──parse──▶ parsed ──index──▶ indexed ──▶ report
 *                      ▲  └─retry (delayed)─┘│
 *                      └────fetch (new links)┘
 * </pre>
 *
 * <p>The jobs are in {@link CrawlJobs}. {@code fetch} (HTTP GET) runs in one stream per site, {@code crawl-<site>}, whose
 * {@code maxRate} keeps the crawl polite however many nodes run it; {@code parse} (links and
 * words) and {@code index} (word counts) run in the client's own stream, which has no rate
 * limit. Seed pages go first (priority 9), then pages by depth. A fetch that fails with a 5xx
 * or an I/O error is forked again with a growing delay, held by the coordinator; a 404 is given
 * up; a 403 means the site blocks this node: the job throws {@link NodeBlockedException}, the
 * node stops taking work and the scaler replaces it.
 *
 * <p>It crawls sites it serves itself on loopback ({@link SiteServer}), so it needs no
 * internet. Run it with {@code ./impetus demo crawler}, or directly with the client options
 * plus {@code --sites N --pages N --max-rate R --bind ADDRESS --advertise HOST --top N}.
 */
public class Crawler extends Client {
    static final int SEED_PRIORITY = 9;
    static final int MAX_ATTEMPTS = 4;
    static final double FIRST_RETRY_DELAY = 1.0;
    private static final Pattern HTTP_STATUS = Pattern.compile("HTTP (\\d{3})");

    /** A page to fetch: its URL, how many links from a seed, and which attempt this is. */
    private final CrawlSettings settings;
    private final PrintStream out;
    private final Map<String, String> streamOfSite = new ConcurrentHashMap<>();
    private final Map<String, SiteStats> stats = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> wordCounts = new TreeMap<>();
    private final AtomicInteger external = new AtomicInteger();
    private final AtomicInteger stale = new AtomicInteger();
    private SiteServer server;
    private long started;

    /** What one site's crawl came to. */
    static final class SiteStats {
        final String name;
        final AtomicInteger fetched = new AtomicInteger();
        final AtomicInteger retried = new AtomicInteger();
        final AtomicInteger gaveUp = new AtomicInteger();
        final AtomicInteger blocked = new AtomicInteger();

        SiteStats(String name) {
            this.name = name;
        }
    }

    public Crawler(ClientOptions options, CrawlSettings settings) {
        super(options);
        this.settings = settings;
        this.out = options.out();
    }

    // ---- the stages: they run in this program ----

    @Startup
    public void start() throws IOException {
        started = System.nanoTime();
        List<Site> sites = Site.of(settings.sites(), settings.pages());
        server = new SiteServer(sites, settings.bind(), settings.advertise());
        for (Site site : sites) {
            String base = server.baseUrl(site);
            String stream = "crawl-" + site.name();
            openStream(stream, Map.of("maxRate", settings.maxRate()));
            streamOfSite.put(URI.create(base).getAuthority(), stream);
            stats.put(stream, new SiteStats(site.name()));
            out.printf("crawler: site %s at %s, stream %s (maxRate %s/s)%n", site.name(), base, stream,
                    settings.maxRate());
        }
        for (Site site : sites) {
            crawl(new FetchTask(server.baseUrl(site) + "/", 0, 1), SEED_PRIORITY, 0);
        }
    }

    @Process
    public void fetched(List<Job> ready, List<Job> failed) {
        for (Job job : ready) {
            Page page = job.result(Page.class);
            if (stale(page.url())) {
                continue;
            }
            stats.get(streamOf(page.url())).fetched.incrementAndGet();
            fork(CrawlJobs::parse, page, ForkOptions.callback("parsed"));
        }
        for (Job job : failed) {
            FetchTask task = job.args(FetchTask.class);
            if (stale(task.url())) {
                continue;
            }
            SiteStats site = stats.get(streamOf(task.url()));
            String error = job.error().error();
            if (error.contains("NodeBlockedException")) {
                site.blocked.incrementAndGet();
                out.printf("crawler: %s blocked a node (%s); the scaler replaces it%n", site.name, task.url());
            } else if (retryable(error) && task.attempt() < MAX_ATTEMPTS) {
                site.retried.incrementAndGet();
                double delay = FIRST_RETRY_DELAY * Math.pow(2, task.attempt() - 1);
                FetchTask again = new FetchTask(task.url(), task.depth(), task.attempt() + 1);
                out.printf("crawler: %s failed (%s); attempt %d in %.0f s%n", task.url(), error.replaceAll(".*: ", ""),
                        again.attempt(), delay);
                crawl(again, priority(task.depth()), delay);
            } else {
                site.gaveUp.incrementAndGet();
                out.printf("crawler: gave up on %s after %d attempt(s): %s%n", task.url(), task.attempt(), error);
            }
        }
    }

    @Process
    public void parsed(List<Job> ready, List<Job> failed) {
        for (Job job : ready) {
            Parsed page = job.result(Parsed.class);
            if (stale(page.url())) {
                continue;
            }
            for (String link : page.links()) {
                if (streamOf(link) == null) {
                    external.incrementAndGet();
                } else if (seen.add(link)) {
                    crawl(new FetchTask(link, page.depth() + 1, 1), priority(page.depth() + 1), 0);
                }
            }
            fork(CrawlJobs::index, page, ForkOptions.callback("indexed"));
        }
        failed.forEach(j -> out.printf("crawler: parse failed: %s%n", j.error().error()));
    }

    @Process
    public void indexed(List<Job> ready, List<Job> failed) {
        for (Job job : ready) {
            Counts counts = job.result(Counts.class);
            if (!stale(counts.url())) {
                counts.words().forEach((w, n) -> wordCounts.merge(w, (long) n, Long::sum));
            }
        }
        failed.forEach(j -> out.printf("crawler: index failed: %s%n", j.error().error()));
    }

    @Shutdown
    public void report(Map<String, Path> ready, Map<String, Path> errors, Progress progress) throws IOException {
        double seconds = (System.nanoTime() - started) / 1e9;
        if (server == null) {
            out.println("crawler: the sites did not start, so nothing was crawled (the error is above)");
            return;
        }
        try (SiteServer sites = server) {
            long total = wordCounts.values().stream().mapToLong(Long::longValue).sum();
            out.printf("%nCrawl finished in %.1f s%n%n", seconds);
            out.printf("%-8s %-16s %8s %8s %8s %8s   %s%n", "site", "stream", "fetched", "retried", "gave up",
                    "blocked", "as the site saw it");
            server.served().forEach((name, served) -> {
                String stream = "crawl-" + name;
                SiteStats s = stats.get(stream);
                out.printf("%-8s %-16s %8d %8d %8d %8d   %s%n", name, stream, s.fetched.get(), s.retried.get(),
                        s.gaveUp.get(), s.blocked.get(), served.summary());
            });
            server.served().forEach((name, served) -> served.retryGaps().ifPresent(g -> out.printf(
                    "%s: a page that answered 503 was asked again %.2f–%.2f s later (first retry delay %.0f s)%n",
                    name, g[0], g[1], FIRST_RETRY_DELAY)));
            out.printf("%nstage    %8s %10s %8s%n", "forked", "processed", "errors");
            progress.stages().forEach((stage, c) ->
                    out.printf("%-8s %8d %10d %8d%n", stage, c.forked(), c.processed(), c.errors()));
            out.printf("links outside the crawl: %d%n", external.get());
            if (stale.get() > 0) {
                out.printf("results of an earlier run skipped: %d%n", stale.get());
            }
            out.printf("%nTop %d of %d distinct words (%d in all)%n", Math.min(settings.top(), wordCounts.size()),
                    wordCounts.size(), total);
            out.printf("%-14s %8s%n", "word", "count");
            wordCounts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(settings.top())
                    .forEach(e -> out.printf("%-14s %8d%n", e.getKey(), e.getValue()));
            Path table = ready.get("indexed").resolveSibling("words.tsv");
            List<String> lines = new ArrayList<>();
            wordCounts.forEach((w, n) -> lines.add(w + "\t" + n));
            Files.write(table, lines);
            out.printf("all word counts: %s%n", table.toAbsolutePath());
        }
    }

    // ---- helpers ----

    /** Forks a fetch into its site's stream; its result comes back to {@code fetched}. */
    private void crawl(FetchTask task, int priority, double delay) {
        seen.add(task.url());
        ForkOptions fork = ForkOptions.callback("fetched").withStream(streamOf(task.url())).withPriority(priority);
        fork(CrawlJobs::fetch, task, delay > 0 ? fork.withDelay(Duration.ofMillis(Math.round(delay * 1000))) : fork);
    }

    /**
     * A result of an earlier run with this client id (its sites were served on other ports and
     * are gone): skipped, so that this crawl counts its own pages once.
     */
    private boolean stale(String url) {
        if (streamOf(url) != null) {
            return false;
        }
        if (stale.getAndIncrement() == 0) {
            out.printf("crawler: skipping results of an earlier run with this id (%s is not served now)%n", url);
        }
        return true;
    }

    private String streamOf(String url) {
        return streamOfSite.get(URI.create(url).getAuthority());
    }

    /** Seeds first, then shallower pages before deeper ones. */
    static int priority(int depth) {
        return Math.max(1, SEED_PRIORITY - 1 - depth);
    }

    /** 5xx answers and I/O errors may pass; other HTTP errors will not. */
    static boolean retryable(String error) {
        Matcher status = HTTP_STATUS.matcher(error);
        return !status.find() || status.group(1).startsWith("5");
    }

    /**
     * Crawler options ({@link CrawlSettings#OPTIONS}), then the client's ({@code --taskdir --id
     * --uri ...}, see {@link ClientOptions#fromCommandLine}).
     */
    public static void main(String[] args) {
        CrawlSettings settings;
        ClientOptions options;
        try {
            List<String> rest = new ArrayList<>();
            settings = CrawlSettings.fromCommandLine(args, rest);
            options = ClientOptions.fromCommandLine(rest.toArray(String[]::new)).build();
        } catch (IllegalArgumentException | ImpetusException e) {
            fail(e.getMessage() + "\n(crawler options: " + String.join(" ", CrawlSettings.OPTIONS) + ", then the client's)");
            return;
        }
        Crawler crawler = new Crawler(options, settings);
        try {
            crawler.run();
        } catch (ImpetusException e) { // a stage threw, a key refused, no broker: one line, not a stack trace
            System.err.println("crawler: " + e.getMessage());
            System.exit(1);
        }
        System.exit(crawler.server == null ? 1 : 0);
    }

    private static void fail(String message) {
        System.err.println("crawler: " + message);
        System.exit(2);
    }
}
