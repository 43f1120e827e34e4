package io.impetus.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's small HTTP endpoint ({@code --http-port}: metrics, and the coordinator's status page):
 * basic auth with the user {@value #USER} and the endpoint's own key (never a broker password),
 * compared in constant time; an address that fails too often is refused for a while
 * ({@link FailedLogins}). With no key (only when the operator said so) anyone who reaches the port
 * may use it. Binds to 127.0.0.1 unless told otherwise. A request must arrive whole within
 * {@link #MAX_REQUEST_SECONDS} (a connection that trickles is closed, so slow clients cannot hold
 * the {@link #THREADS} threads), and every response says it may not be framed or sniffed.
 */
public final class DaemonEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DaemonEndpoint.class);
    /** The basic-auth user of every endpoint. */
    public static final String USER = "impetus";
    /** The largest request body read (a status page's form). */
    static final int MAX_BODY = 64 * 1024;
    /** The keys docker-compose.yml uses when none is set (its published ports then listen on 127.0.0.1 only). */
    static final Set<String> COMPOSE_DEFAULT_KEYS = Set.of("change-this-http-key",
            "change-this-scaler-key");
    /** Threads answering requests. */
    static final int THREADS = 16;
    /** How long a request may take to arrive, and a response to be taken, before the connection is closed. */
    static final int MAX_REQUEST_SECONDS = 5;
    static final int MAX_RESPONSE_SECONDS = 30;
    /** Said on every response: not to be framed (clickjacking the page's replay and discard), not sniffed. */
    static final Map<String, String> SAFE_HEADERS = Map.of("X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");

    /** A request: method, URI (path and query), headers (names in lower case) and body. */
    public record Request(String method, URI uri, Map<String, String> headers, byte[] body) {
        /** A header's first value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A response: status, content type, body, and headers of its own (a page's content security
     * policy, say), which replace the endpoint's defaults of the same name.
     */
    public record Response(int status, String type, byte[] body, Map<String, String> headers) {
        public Response {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public Response(int status, String type, byte[] body) {
            this(status, type, body, Map.of());
        }

        /** This response with {@code name: value} added. */
        public Response with(String name, String value) {
            Map<String, String> more = new HashMap<>(headers);
            more.put(name, value);
            return new Response(status, type, body, more);
        }

        public static Response ok(String type, byte[] body) {
            return new Response(200, type, body);
        }

        public static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A request the handler cannot take as it is: answered 400 with the message, not 500. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws IOException;
    }

    private final HttpServer server;

    private DaemonEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Set by docker-compose.yml to the address its published ports listen on ({@code IMPETUS_PUBLISH_ADDRESS}). */
    public static final String ENV_PUBLISHED_ON = "IMPETUS_PUBLISHED_ON";

    /**
     * Refuses a key that docker-compose.yml gives by default when the endpoint is published beyond
     * this machine ({@code publishedOn} not a loopback address): anyone who has read that public file
     * knows the key. On 127.0.0.1 (compose's default) or with no such address it only warns at start.
     *
     * @param what names the daemon in the message
     * @param key the endpoint's key, or {@code null}
     * @param publishedOn the address compose publishes the port on, or {@code null} outside compose
     */
    public static void refuseDefaultKeyWhenPublished(String what, String key, String publishedOn) {
        if (key == null || !COMPOSE_DEFAULT_KEYS.contains(key) || publishedOn == null || publishedOn.isBlank()
                || isLoopback(publishedOn.strip())) {
            return;
        }
        throw new ImpetusException("the " + what + "'s HTTP key is docker-compose.yml's default and its port is published"
                + " on " + publishedOn.strip() + ", beyond this machine: set IMPETUS_HTTP_KEY to a secret of your own"
                + " (or leave IMPETUS_PUBLISH_ADDRESS unset to publish on 127.0.0.1 only)");
    }

    private static boolean isLoopback(String address) {
        return address.equals("localhost") || address.startsWith("127.") || address.equals("::1")
                || address.equals("[::1]");
    }

    /**
     * Serves {@code routes} (path prefix → handler) on {@code host:port} (port 0: any free one).
     *
     * @param what names the daemon in messages ("coordinator", "node", "scaler")
     * @param key the basic-auth password, or {@code null} for none
     */
    public static DaemonEndpoint start(String what, String host, int port, String key, Map<String, Handler> routes) {
        FailedLogins failures = new FailedLogins(Clock.systemUTC());
        // the JDK server reads these once, when its first server is made: no time limit unless set
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime",
                String.valueOf(MAX_REQUEST_SECONDS)));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime",
                String.valueOf(MAX_RESPONSE_SECONDS)));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 32);
            routes.forEach((path, handler) -> server.createContext(path, ex -> answer(ex, what, key, failures, handler)));
            server.setExecutor(Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, what + "-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            if (key != null && COMPOSE_DEFAULT_KEYS.contains(key)) {
                log.warn("the {} HTTP endpoint's key is docker-compose.yml's default, which anyone who has read that file"
                        + " knows: set IMPETUS_HTTP_KEY before publishing the port beyond this machine", what);
            }
            if (key == null) {
                log.warn("the {} HTTP endpoint on {}:{} has no key: anyone who reaches it can use it", what, host,
                        server.getAddress().getPort());
            } else {
                log.info("{} HTTP endpoint on http://{}:{}/ (user {}, the endpoint's key)", what, host,
                        server.getAddress().getPort(), USER);
            }
            return new DaemonEndpoint(server);
        } catch (IOException e) {
            throw new ImpetusException("cannot bind the " + what + "'s HTTP endpoint to " + host + ":" + port + " ("
                    + e.getMessage() + ") — choose another port", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void answer(HttpExchange ex, String what, String key, FailedLogins failures, Handler handler)
            throws IOException {
        try (ex) {
            SAFE_HEADERS.forEach((name, value) -> ex.getResponseHeaders().set(name, value));
            String from = ex.getRemoteAddress().getAddress().getHostAddress();
            if (key != null && failures.blocked(from)) {
                ex.sendResponseHeaders(429, -1);
                return;
            }
            if (key != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"), key)) {
                failures.failed(from);
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"impetus " + what + "\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            Response r;
            byte[] body = body(ex.getRequestBody());
            try {
                Map<String, String> headers = new HashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> {
                    if (!v.isEmpty()) {
                        headers.put(k.toLowerCase(Locale.ROOT), v.get(0));
                    }
                });
                r = body == null ? Response.text(413, "request body over " + MAX_BODY + " bytes")
                        : handler.handle(new Request(ex.getRequestMethod(), ex.getRequestURI(), headers, body));
            } catch (BadRequest e) {
                log.info("{} HTTP {} {} refused: {}", what, ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                        e.getMessage());
                r = Response.text(400, "bad request: " + e.getMessage());
            } catch (RuntimeException e) {
                log.warn("{} HTTP {} {} failed: {}", what, ex.getRequestMethod(), ex.getRequestURI(), e.toString());
                r = Response.text(500, "error: " + e.getMessage());
            }
            r.headers().forEach((name, value) -> ex.getResponseHeaders().set(name, value));
            ex.getResponseHeaders().add("Content-Type", r.type());
            ex.getResponseHeaders().add("Cache-Control", "no-store");
            ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            if (r.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(r.body());
                }
            }
        }
    }

    /** The body, or {@code null} if it is over {@link #MAX_BODY} (the rest is left unread; the exchange closes). */
    private static byte[] body(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        return bytes.length > MAX_BODY ? null : bytes;
    }

    /** Whether a basic-auth header names {@value #USER} with {@code key} as its password, compared in constant time. */
    public static boolean authorized(String header, String key) {
        if (key == null || key.isEmpty() || header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean user = MessageDigest.isEqual(decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8),
                USER.getBytes(StandardCharsets.UTF_8));
        boolean password = MessageDigest.isEqual(decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8),
                key.getBytes(StandardCharsets.UTF_8));
        return user & password;
    }
}
