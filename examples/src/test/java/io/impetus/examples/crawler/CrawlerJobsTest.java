package io.impetus.examples.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.client.NodeBlockedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The crawler's job functions called directly (no Impetus) against the generated sites on
 * loopback: what a node would compute, and that a complete crawl finds every page.
 */
class CrawlerJobsTest {
    private final List<Site> sites = Site.of(2, 60);
    private SiteServer server;

    @BeforeEach
    void serve() throws Exception {
        server = new SiteServer(sites, "127.0.0.1", "127.0.0.1");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String url(Site site, String path) {
        return server.baseUrl(site) + path;
    }

    @Test
    void parseFindsThePageWordsAndItsLinksAsAbsoluteUrls() {
        Site beta = sites.get(1);
        CrawlJobs.Page page = CrawlJobs.fetch(new CrawlJobs.FetchTask(url(beta, Site.path(13)), 2, 1));
        CrawlJobs.Parsed parsed = CrawlJobs.parse(page);

        assertThat(parsed.words()).isEqualTo(beta.words(13));
        assertThat(parsed.links()).contains(url(beta, Site.path(14)))
                .anySatisfy(l -> assertThat(l).startsWith(server.baseUrl(sites.get(0)) + "/")); // page 13: cross-site
        assertThat(parsed.depth()).isEqualTo(2);
        CrawlJobs.Counts counts = CrawlJobs.index(parsed);
        assertThat(counts.words().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(parsed.words().size());
    }

    @Test
    void theBlockedPathThrowsNodeBlockedAndAMissingPageIsAnHttpError() {
        Site alpha = sites.get(0);
        assertThatThrownBy(() -> CrawlJobs.fetch(new CrawlJobs.FetchTask(url(alpha, Site.BLOCKED_PATH), 1, 1)))
                .isInstanceOf(NodeBlockedException.class).hasMessageContaining("403");
        assertThatThrownBy(() -> CrawlJobs.fetch(new CrawlJobs.FetchTask(url(alpha, Site.MISSING_PATH), 1, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("HTTP 404");
        assertThat(Crawler.retryable("java.lang.IllegalStateException: HTTP 404 from x")).isFalse();
        assertThat(Crawler.retryable("java.lang.IllegalStateException: HTTP 503 from x")).isTrue();
        assertThat(Crawler.retryable("java.io.UncheckedIOException: cannot fetch x: Connection refused")).isTrue();
    }

    @Test
    void aFlakyPageAnswers503OnceThenThePage() {
        Site alpha = sites.get(0);
        int flaky = Site.FLAKY_EVERY - 1;
        assertThat(alpha.isFlaky(flaky)).isTrue();
        String u = url(alpha, Site.path(flaky));
        assertThatThrownBy(() -> CrawlJobs.fetch(new CrawlJobs.FetchTask(u, 1, 1))).hasMessageContaining("HTTP 503");
        assertThat(CrawlJobs.fetch(new CrawlJobs.FetchTask(u, 1, 2)).html()).contains("alpha page " + flaky);
    }

    @Test
    void aCompleteCrawlFromTheHomePagesFindsEveryPageAndTheExpectedWordCounts() {
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        sites.forEach(s -> todo.add(url(s, "/")));
        seen.addAll(todo);
        Map<String, Long> counts = new TreeMap<>();
        int pages = 0;
        while (!todo.isEmpty()) {
            String u = todo.poll();
            CrawlJobs.Page page;
            try {
                page = CrawlJobs.fetch(new CrawlJobs.FetchTask(u, 0, 1));
            } catch (NodeBlockedException e) {
                continue;
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("HTTP 503")) {
                    continue;
                }
                page = CrawlJobs.fetch(new CrawlJobs.FetchTask(u, 0, 2));
            }
            pages++;
            CrawlJobs.Parsed parsed = CrawlJobs.parse(page);
            CrawlJobs.index(parsed).words().forEach((w, n) -> counts.merge(w, (long) n, Long::sum));
            parsed.links().stream().filter(seen::add).forEach(todo::add);
        }
        assertThat(pages).isEqualTo(2 * 60);
        assertThat(counts).isEqualTo(Site.expectedCounts(sites));
        assertThat(server.served(sites.get(0)).summary()).contains("1 403", "1 404");
    }
}
