package io.impetus.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.ImpetusException;
import io.impetus.core.metrics.Metrics;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
    void everyAnswerSaysItMayNotBeFramedOrSniffedAndAPageMaySetItsOwnPolicy() throws Exception {
        try (DaemonEndpoint e = DaemonEndpoint.start("test", "127.0.0.1", 0, "k3y", Map.of(
                "/metrics", Metrics.handler(Metrics.registry("test")),
                "/page", r -> DaemonEndpoint.Response.ok("text/html", "<p>hi</p>".getBytes(StandardCharsets.UTF_8))
                        .with("Content-Security-Policy", "default-src 'self'")))) {
            String auth = "Basic " + Base64.getEncoder().encodeToString("impetus:k3y".getBytes(StandardCharsets.UTF_8));
            HttpResponse<Void> denied = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.discarding());
            HttpResponse<Void> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port()
                    + "/metrics")).header("Authorization", auth).build(), HttpResponse.BodyHandlers.discarding());
            HttpResponse<Void> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port()
                    + "/page")).header("Authorization", auth).build(), HttpResponse.BodyHandlers.discarding());
            for (HttpResponse<Void> r : List.of(denied, metrics, page)) {
                assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
                assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            }
            assertThat(metrics.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    v -> assertThat(v).contains("default-src 'none'", "frame-ancestors 'none'"));
            assertThat(page.headers().allValues("Content-Security-Policy")).containsExactly("default-src 'self'");
        }
    }

    @Test
    void connectionsThatTrickleNeitherStallTheEndpointNorStayOpen() throws Exception {
        try (DaemonEndpoint e = DaemonEndpoint.start("test", "127.0.0.1", 0, "k3y", Map.of("/metrics",
                Metrics.handler(Metrics.registry("test"))))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // two were enough to stall it when it had two threads
                    Socket s = new Socket("127.0.0.1", e.port());
                    s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                HttpRequest ok = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/metrics"))
                        .timeout(Duration.ofSeconds(3)).header("Authorization", "Basic "
                                + Base64.getEncoder().encodeToString("impetus:k3y".getBytes(StandardCharsets.UTF_8))).build();
                assertThat(http.send(ok, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
                // each trickling connection is closed once its request has taken longer than the limit
                Socket first = slow.get(0);
                first.setSoTimeout((DaemonEndpoint.MAX_REQUEST_SECONDS + 5) * 1000);
                long start = System.nanoTime();
                int read;
                try {
                    read = first.getInputStream().read();
                } catch (SocketException reset) {
                    read = -1;
                }
                assertThat(read).as("closed by the endpoint").isEqualTo(-1);
                assertThat((System.nanoTime() - start) / 1e9).isLessThan(DaemonEndpoint.MAX_REQUEST_SECONDS + 5.0);
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
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

    @Test
    void composeDefaultKeyIsRefusedOnlyWhenPublishedBeyondThisMachine() {
        assertThatThrownBy(() -> DaemonEndpoint.refuseDefaultKeyWhenPublished("coordinator", "change-this-http-key",
                "0.0.0.0")).isInstanceOf(ImpetusException.class)
                .hasMessageContaining("published on 0.0.0.0").hasMessageContaining("set IMPETUS_HTTP_KEY");
        assertThatThrownBy(() -> DaemonEndpoint.refuseDefaultKeyWhenPublished("scaler", "change-this-scaler-key",
                "192.0.2.7")).isInstanceOf(ImpetusException.class);
        assertThatCode(() -> DaemonEndpoint.refuseDefaultKeyWhenPublished("coordinator", "change-this-http-key",
                "127.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> DaemonEndpoint.refuseDefaultKeyWhenPublished("coordinator", "change-this-http-key",
                null)).as("outside compose").doesNotThrowAnyException();
        assertThatCode(() -> DaemonEndpoint.refuseDefaultKeyWhenPublished("coordinator", "a-secret-of-mine",
                "0.0.0.0")).doesNotThrowAnyException();
    }
}
