package io.impetus.scaler.provider.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.impetus.core.codec.Json;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real SDK against a local endpoint that speaks SSM's JSON protocol (GetParameter). */
class SsmParametersTest {
    private HttpServer server;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "secret");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/", ex -> {
            targets.add(ex.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode body = Json.mapper().readTree(ex.getRequestBody().readAllBytes());
            bodies.add(body);
            String name = body.path("Name").asText();
            boolean known = name.equals("/impetus/prod/authkey");
            byte[] out = (known ? "{\"Parameter\":{\"Name\":\"" + name + "\",\"Type\":\"SecureString\",\"Value\":\"s3cret\"}}"
                    : "{\"__type\":\"ParameterNotFound\",\"message\":\"no such parameter\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            ex.sendResponseHeaders(known ? 200 : 400, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void readsASecureStringDecrypted() {
        assertThat(SsmParameters.read("/impetus/prod/authkey", "eu-west-1", endpoint())).isEqualTo("s3cret");
        assertThat(targets).containsExactly("AmazonSSM.GetParameter");
        assertThat(bodies.get(0).path("WithDecryption").asBoolean()).isTrue();
    }

    @Test
    void aMissingParameterIsOneClearError() {
        assertThatThrownBy(() -> SsmParameters.read("/nope", "eu-west-1", endpoint()))
                .hasMessageContaining("cannot read SSM parameter /nope");
    }
}
