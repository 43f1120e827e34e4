package io.impetus.examples.crawler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One generated web site of the crawler example. Everything about it follows from its index and
 * page count, so a test can know what a complete crawl must find without crawling.
 *
 * <p>Page 0 is the home page ({@code /}); pages 1..n-1 are {@code /page/<i>.html}. Every page
 * links to the next one, so all are reachable from home, and to two others; some link to a page
 * of the next site. The home page also links to a page that does not exist (404) and, on the
 * first site only, to {@link #BLOCKED_PATH}, which always answers 403. Every {@link #FLAKY_EVERY}th
 * page answers 503 to its first request and 200 after that.
 */
public record Site(String name, int index, int pages) {
    public static final List<String> NAMES = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta");
    public static final String BLOCKED_PATH = "/private/admin.html";
    public static final String MISSING_PATH = "/page/missing.html";
    public static final int FLAKY_EVERY = 25;
    static final List<String> VOCABULARY = List.of(
            "crawler", "stream", "queue", "worker", "node", "rabbit", "broker", "message", "priority", "delay",
            "rate", "result", "stage", "fork", "job", "scale", "cloud", "page", "link", "index",
            "word", "count", "fetch", "parse", "site", "polite", "retry", "block", "data", "store",
            "java", "python", "server", "client", "thread", "process", "memory", "disk", "network", "latency",
            "throughput", "backlog", "instance", "region", "image", "deploy", "compose", "docker", "metric", "status",
            "coordinator", "scaler", "bundle", "class", "loader", "timeout", "attempt", "error", "ready", "waiting");

    public Site {
        if (index < 0 || index >= NAMES.size()) {
            throw new IllegalArgumentException("site index must be 0.." + (NAMES.size() - 1) + ", was " + index);
        }
        if (pages < 2) {
            throw new IllegalArgumentException("a site needs at least 2 pages, was " + pages);
        }
    }

    /** The sites of a crawl: {@code count} sites of {@code pages} pages each. */
    public static List<Site> of(int count, int pages) {
        if (count < 1 || count > NAMES.size()) {
            throw new IllegalArgumentException("--sites must be 1.." + NAMES.size() + ", was " + count);
        }
        List<Site> sites = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sites.add(new Site(NAMES.get(i), i, pages));
        }
        return sites;
    }

    public static String path(int page) {
        return page == 0 ? "/" : "/page/" + page + ".html";
    }

    /** The page number of {@code path}, or -1 when it is not one of this site's pages. */
    public int pageOf(String path) {
        if (path.equals("/")) {
            return 0;
        }
        if (path.startsWith("/page/") && path.endsWith(".html")) {
            try {
                int n = Integer.parseInt(path.substring(6, path.length() - 5));
                return n > 0 && n < pages ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    public boolean isFlaky(int page) {
        return page % FLAKY_EVERY == FLAKY_EVERY - 1;
    }

    /** The words of a page's text, in order. */
    public List<String> words(int page) {
        Random r = random(page, 1);
        int n = 20 + r.nextInt(41);
        List<String> words = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble();
            words.add(VOCABULARY.get((int) (VOCABULARY.size() * x * x * x))); // skewed: a few words are common
        }
        return words;
    }

    /** A page's links as (site index, path); the site index is another site's for a cross-site link. */
    public List<Link> links(int page, int siteCount) {
        Random r = random(page, 2);
        List<Link> links = new ArrayList<>();
        if (page == 0) {
            links.add(new Link(index, MISSING_PATH));
            if (index == 0) {
                links.add(new Link(index, BLOCKED_PATH));
            }
        }
        if (page + 1 < pages) {
            links.add(new Link(index, path(page + 1)));
        }
        links.add(new Link(index, path(r.nextInt(pages))));
        links.add(new Link(index, path(r.nextInt(pages))));
        if (siteCount > 1 && page % 10 == 3) {
            links.add(new Link((index + 1) % siteCount, path(r.nextInt(pages))));
        }
        return links;
    }

    /** A link of a page. */
    public record Link(int site, String path) {
    }

    /** Word counts of every page of {@code sites}: what a complete crawl must count. */
    public static Map<String, Long> expectedCounts(List<Site> sites) {
        Map<String, Long> counts = new TreeMap<>();
        for (Site s : sites) {
            for (int p = 0; p < s.pages; p++) {
                s.words(p).forEach(w -> counts.merge(w, 1L, Long::sum));
            }
        }
        return counts;
    }

    private Random random(int page, int purpose) {
        return new Random(((long) index * 1_000_003L + page) * 31 + purpose);
    }
}
