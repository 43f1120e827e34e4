package io.impetus.scaler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaler's small HTTP endpoint (the seed's -d/-o/-u): {@code /status} as JSON and
 * {@code /metrics} in Prometheus format, behind basic auth with the endpoint's own key (never the
 * broker password), compared in constant time. An address that fails too often is refused for a
 * while ({@link FailedLogins}). With no key (only with {@code --insecure-http}) anyone who can
 * reach the port may read it.
 */
final class StatusEndpoint {
    private static final Logger log = LoggerFactory.getLogger(StatusEndpoint.class);

    private final HttpServer server;

    private StatusEndpoint(HttpServer server) {
        this.server = server;
    }

    static StatusEndpoint start(String host, int port, String key, Scaler scaler) {
        FailedLogins failures = new FailedLogins(Clock.systemUTC());
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
            server.createContext("/status", ex -> answer(ex, key, failures, "application/json",
                    () -> Json.write(scaler.status())));
            server.createContext("/metrics", ex -> answer(ex, key, failures, "text/plain; version=0.0.4",
                    () -> scaler.metrics().getBytes(StandardCharsets.UTF_8)));
            server.start();
            if (key == null) {
                log.warn("the status endpoint on {}:{} has no key (--insecure-http): anyone who reaches it can read it",
                        host, server.getAddress().getPort());
            }
            return new StatusEndpoint(server);
        } catch (IOException e) {
            throw new ImpetusException("cannot bind the scaler's status endpoint to " + host + ":" + port + " ("
                    + e.getMessage() + ") — choose another with -d/-o", e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange ex, String key, FailedLogins failures, String type, Supplier<byte[]> body)
            throws IOException {
        try (ex) {
            String from = ex.getRemoteAddress().getAddress().getHostAddress();
            if (key != null && failures.blocked(from)) {
                ex.sendResponseHeaders(429, -1);
                return;
            }
            if (key != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"), key)) {
                failures.failed(from);
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"impetus scaler\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            byte[] bytes = body.get();
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Whether a basic-auth header carries {@code key} as its password (any user), compared in constant time. */
    static boolean authorized(String header, String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon >= 0 && MessageDigest.isEqual(decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8),
                key.getBytes(StandardCharsets.UTF_8));
    }
}
