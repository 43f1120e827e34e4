package io.impetus.scaler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The scaler's small HTTP endpoint (the seed's -d/-o/-u): {@code /status} as JSON and
 * {@code /metrics} in Prometheus format, behind basic auth whose password is the authkey.
 */
final class StatusEndpoint {
    private final HttpServer server;

    private StatusEndpoint(HttpServer server) {
        this.server = server;
    }

    static StatusEndpoint start(String host, int port, String authkey, Scaler scaler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
            server.createContext("/status", ex -> answer(ex, authkey, "application/json",
                    () -> Json.write(scaler.status())));
            server.createContext("/metrics", ex -> answer(ex, authkey, "text/plain; version=0.0.4",
                    () -> scaler.metrics().getBytes(StandardCharsets.UTF_8)));
            server.start();
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

    private static void answer(HttpExchange ex, String authkey, String type, Supplier<byte[]> body) throws IOException {
        try (ex) {
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"), authkey)) {
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

    static boolean authorized(String header, String authkey) {
        if (authkey == null || authkey.isEmpty()) {
            return true;
        }
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon >= 0 && decoded.substring(colon + 1).equals(authkey);
    }
}
