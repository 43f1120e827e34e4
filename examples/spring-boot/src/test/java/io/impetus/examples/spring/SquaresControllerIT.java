package io.impetus.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.test.ImpetusInstallation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example application over HTTP, its jobs run by a real installation's node. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its client must not outlive the installation in the context cache
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SquaresControllerIT {
    private static ImpetusInstallation installation;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    int port;

    @BeforeAll
    static void startInstallation() {
        installation = ImpetusInstallation.builder().name("spring-example").start();
    }

    @AfterAll
    static void closeInstallation() {
        if (installation != null) {
            installation.close();
        }
    }

    @DynamicPropertySource
    static void impetusProperties(DynamicPropertyRegistry registry) {
        registry.add("impetus.uri", () -> installation.settings().uriList());
        registry.add("impetus.prefix", () -> installation.prefix());
        registry.add("impetus.signing-key-file", () -> installation.signingKeyFile().toString());
    }

    @Test
    void theSquareOfNComesBackAsJson() throws Exception {
        HttpResponse<String> response = get("/squares/12");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(response.body());
        assertThat(json.path("n").asLong()).isEqualTo(12);
        assertThat(json.path("square").asLong()).isEqualTo(144);
    }

    @Test
    void aFailedJobIsAnUnprocessableRequestWithTheJobsError() throws Exception {
        HttpResponse<String> response = get("/squares/-3");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(new ObjectMapper().readTree(response.body()).path("error").asText())
                .contains("no squares of negative numbers: -3");
    }

    @Test
    void theHealthEndpointIncludesImpetus() throws Exception {
        HttpResponse<String> response = get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode impetus = new ObjectMapper().readTree(response.body()).path("components").path("impetus");
        assertThat(impetus.path("status").asText()).isEqualTo("UP");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(120)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
