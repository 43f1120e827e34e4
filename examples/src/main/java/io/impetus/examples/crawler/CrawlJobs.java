package io.impetus.examples.crawler;

import io.impetus.client.Node;
import io.impetus.client.NodeBlockedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The crawler's jobs: they run on the nodes, each in a worker process, with only what their
 * argument carries. Their code bundle is this class and its records.
 */
public final class CrawlJobs {
    private static final Pattern HREF = Pattern.compile("href=\"([^\"#]+)");
    private static final Pattern PARAGRAPH = Pattern.compile("<p>(.*?)</p>", Pattern.DOTALL);
    private static final Pattern WORD = Pattern.compile("[a-z]+");

    public record FetchTask(String url, int depth, int attempt) {
    }

    /** A fetched page. */
    public record Page(String url, int depth, String html) {
    }

    /** A parsed page: where it links and the words of its text. */
    public record Parsed(String url, int depth, List<String> links, List<String> words) {
    }

    /** One page's word counts. */
    public record Counts(String url, Map<String, Integer> words) {
    }

    private CrawlJobs() {
    }

    /** HTTP GET of one page. 403 reports the node blocked; any other non-200 answer is an error. */
    @Node
    public static Page fetch(FetchTask task) {
        HttpURLConnection http = null;
        try {
            http = (HttpURLConnection) URI.create(task.url()).toURL().openConnection();
            http.setConnectTimeout(5000);
            http.setReadTimeout(10000);
            http.setRequestProperty("User-Agent", "impetus-crawler-example");
            int status = http.getResponseCode();
            if (status == 403) {
                throw new NodeBlockedException("HTTP 403 from " + task.url() + ": the site blocks this node");
            }
            if (status != 200) {
                throw new IllegalStateException("HTTP " + status + " from " + task.url());
            }
            try (InputStream in = http.getInputStream()) {
                return new Page(task.url(), task.depth(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch " + task.url() + ": " + e.getMessage(), e);
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }

    /** Links (absolute, without fragments) and the words of the paragraphs. */
    @Node
    public static Parsed parse(Page page) {
        URI base = URI.create(page.url());
        List<String> links = new ArrayList<>();
        Matcher href = HREF.matcher(page.html());
        while (href.find()) {
            URI target = base.resolve(href.group(1).trim());
            if ("http".equals(target.getScheme()) || "https".equals(target.getScheme())) {
                links.add(target.normalize().toString());
            }
        }
        List<String> words = new ArrayList<>();
        Matcher p = PARAGRAPH.matcher(page.html());
        while (p.find()) {
            Matcher w = WORD.matcher(p.group(1).toLowerCase(Locale.ROOT));
            while (w.find()) {
                words.add(w.group());
            }
        }
        return new Parsed(page.url(), page.depth(), links, words);
    }

    /** Counts the words of one page. */
    @Node
    public static Counts index(Parsed page) {
        Map<String, Integer> counts = new TreeMap<>();
        page.words().forEach(w -> counts.merge(w, 1, Integer::sum));
        return new Counts(page.url(), counts);
    }
}
