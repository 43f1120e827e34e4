package io.impetus.coordinator.status;

import io.impetus.core.http.DaemonEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The page itself (its HTML, its content security policy) and the decoding of its queries and forms. */
final class PageSource {
    private PageSource() {
    }

    /** {@code GET /}: the page, with a policy that lets only its own script run. */
    static DaemonEndpoint.Response page(DaemonEndpoint.Request r) throws IOException {
        if (!r.uri().getPath().equals("/")) {
            return DaemonEndpoint.Response.text(404, "not found");
        }
        byte[] page = html();
        return DaemonEndpoint.Response.ok("text/html; charset=utf-8", page)
                .with("Content-Security-Policy", contentSecurityPolicy(page));
    }

    /**
     * The page's policy: its own inline script (by hash) and styles, requests to this endpoint only,
     * never framed, no plugins, forms only to itself.
     */
    static String contentSecurityPolicy(byte[] page) {
        String html = new String(page, StandardCharsets.UTF_8);
        int open = html.indexOf("<script>");
        int close = html.indexOf("</script>", open);
        if (open < 0 || close < 0) {
            throw new IllegalStateException("the status page has no inline script");
        }
        String hash;
        try {
            hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(html.substring(open + "<script>".length(), close).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "default-src 'none'; script-src 'sha256-" + hash + "'; style-src 'unsafe-inline'; connect-src 'self';"
                + " img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static byte[] html() throws IOException {
        try (InputStream in = StatusPage.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IOException("the status page is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    static Map<String, String> query(DaemonEndpoint.Request r) {
        return parse(r.uri().getRawQuery());
    }

    static Map<String, String> parse(String form) {
        Map<String, String> out = new HashMap<>();
        if (form == null) {
            return out;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new DaemonEndpoint.BadRequest("'" + abbreviate(pair) + "' is not URL-encoded (" + e.getMessage()
                            + ")");
                }
            }
        }
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    /** A non-negative whole number of a query, or {@code fallback} when absent or not a number. */
    static int number(String text, int fallback) {
        try {
            return text == null ? fallback : Math.max(0, Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
