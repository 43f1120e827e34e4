package io.impetus.examples.crawler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crawl's own settings, and where they come from on the command line. Client side only: the
 * jobs never see it.
 *
 * @param sites how many generated sites to serve and crawl
 * @param pages pages per site
 * @param maxRate politeness: fetches per second per site, across all nodes
 * @param bind the address the sites listen on
 * @param advertise the host name nodes use to reach the sites
 * @param top how many words the printed table shows
 */
public record CrawlSettings(int sites, int pages, double maxRate, String bind, String advertise, int top) {
    public static final CrawlSettings DEFAULTS = new CrawlSettings(2, 150, 25, "127.0.0.1", "127.0.0.1", 15);
    public static final List<String> OPTIONS = List.of("--sites", "--pages", "--max-rate", "--bind", "--advertise",
            "--top");

    public CrawlSettings {
        Site.of(sites, pages); // validates both
        if (!(maxRate > 0)) {
            throw new IllegalArgumentException("--max-rate must be > 0, was " + maxRate);
        }
        if (top < 0) {
            throw new IllegalArgumentException("--top must be >= 0, was " + top);
        }
    }

    /**
     * Takes the crawler's {@link #OPTIONS} out of {@code args}; what is left (the client's options)
     * goes to {@code rest}.
     *
     * @throws IllegalArgumentException for a missing or malformed value, naming the option
     */
    public static CrawlSettings fromCommandLine(String[] args, List<String> rest) {
        Map<String, String> own = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (OPTIONS.contains(args[i])) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                own.put(args[i], args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        CrawlSettings d = DEFAULTS;
        return new CrawlSettings((int) number(own, "--sites", d.sites()), (int) number(own, "--pages", d.pages()),
                number(own, "--max-rate", d.maxRate()), own.getOrDefault("--bind", d.bind()),
                own.getOrDefault("--advertise", d.advertise()), (int) number(own, "--top", d.top()));
    }

    private static double number(Map<String, String> given, String option, double otherwise) {
        String value = given.get(option);
        if (value == null) {
            return otherwise;
        }
        boolean whole = !option.equals("--max-rate");
        try {
            double n = Double.parseDouble(value);
            if (whole && n != Math.rint(n)) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a " + (whole ? "whole number" : "number") + ", was '"
                    + value + "'");
        }
    }
}
