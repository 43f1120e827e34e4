package io.impetus.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private int status(int port, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (auth != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void onlyUserImpetusWithTheKeyGetsInAndGuessersAreStopped() throws Exception {
        try (DaemonEndpoint e = DaemonEndpoint.start("test", "127.0.0.1", 0, "k3y", Map.of("/metrics",
                Metrics.handler(Metrics.registry("test"))))) {
            assertThat(status(e.port(), "impetus:k3y")).isEqualTo(200);
            assertThat(status(e.port(), null)).isEqualTo(401);
            assertThat(status(e.port(), "root:k3y")).isEqualTo(401);
            for (int i = 0; i < FailedLogins.MAX_FAILURES; i++) {
                status(e.port(), "impetus:guess" + i);
            }
            assertThat(status(e.port(), "impetus:k3y")).as("blocked for the rest of the minute").isEqualTo(429);
        }
    }

    @Test
    void aBadRequestIs400AnOversizedBody413AndAFailingHandler500() throws Exception {
        try (DaemonEndpoint e = DaemonEndpoint.start("test", "127.0.0.1", 0, "k3y", Map.of(
                "/bad", r -> {
                    throw new DaemonEndpoint.BadRequest("no such thing");
                },
                "/broken", r -> {
                    throw new IllegalStateException("bug");
                },
                "/echo", r -> DaemonEndpoint.Response.ok("text/plain", r.body())))) {
            String auth = "Basic " + Base64.getEncoder().encodeToString("impetus:k3y".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/bad"))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("no such thing");
            HttpResponse<String> broken = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port()
                    + "/broken")).header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(broken.statusCode()).isEqualTo(500);
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/echo"))
                    .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofByteArray(
                            new byte[DaemonEndpoint.MAX_BODY + 1])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);
            HttpResponse<String> fits = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/echo"))
                    .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofString("a=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fits.statusCode()).isEqualTo(200);
            assertThat(fits.body()).isEqualTo("a=1");
        }
    }

    @Test
    void aHeaderIsCheckedWhole() {
        String good = "Basic " + Base64.getEncoder().encodeToString("impetus:k".getBytes(StandardCharsets.UTF_8));
        assertThat(DaemonEndpoint.authorized(good, "k")).isTrue();
        assertThat(DaemonEndpoint.authorized(good, null)).isFalse();
        assertThat(DaemonEndpoint.authorized("Basic !!!", "k")).isFalse();
        assertThat(DaemonEndpoint.authorized("Bearer x", "k")).isFalse();
        assertThat(DaemonEndpoint.authorized("Basic " + Base64.getEncoder().encodeToString("impetus".getBytes(
                StandardCharsets.UTF_8)), "k")).isFalse();
    }

    @Test
    void deadLetterReasonsBecomeAFewKinds() {
        assertThat(Metrics.reasonKind("signature: job 42 is not signed")).isEqualTo("signature");
        assertThat(Metrics.reasonKind("worker process 9142 died (exit code 3) (attempt 1 of 1)"))
                .isEqualTo("worker process died");
        assertThat(Metrics.reasonKind(null)).isEqualTo("unknown");
        assertThat(Metrics.reasonKind("12345")).isEqualTo("unknown");
        assertThat(Metrics.reasonKind("x".repeat(100))).hasSize(40);
    }
}
