package @@package@@;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.test.ImpetusInstallation;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * End to end: the application on a random port, its jobs run by a real coordinator and node (the
 * Impetus test kit) on the RabbitMQ of IMPETUS_RABBITMQ_URI.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // the client must not outlive the installation
class WordsControllerIT {
    private static ImpetusInstallation installation;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @BeforeAll
    static void startInstallation() {
        installation = ImpetusInstallation.builder().name("words").start();
    }

    @AfterAll
    static void closeInstallation() {
        if (installation != null) {
            installation.close();
        }
    }

    @DynamicPropertySource
    static void impetus(DynamicPropertyRegistry registry) {
        registry.add("impetus.uri", () -> installation.settings().uriList());
        registry.add("impetus.prefix", () -> installation.prefix());
        registry.add("impetus.signing-key-file", () -> installation.signingKeyFile().toString());
    }

    @Test
    void theWordsOfALineComeBackFromANode() throws Exception {
        HttpResponse<String> response = get("/words?line=" + URLEncoder.encode("one two three", StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"words\":3");
    }

    @Test
    void aJobThatFailsIsAnUnprocessableRequest() throws Exception {
        HttpResponse<String> response = get("/words?line=%20");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("a line with words in it");
    }

    @Test
    void theHealthEndpointShowsImpetusUp() throws Exception {
        assertThat(get("/actuator/health").body()).containsPattern("\"impetus\":\\{.*\"status\":\"UP\"");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
