package io.impetus.dist;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.job.JobBatch;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How many results wait in a client's results queue: its messages peeked through the management
 * API (requeued as they were) and counted item by item — a node sends the results that finish
 * together as one batch message, so the queue's message count is not the number of results.
 */
final class ResultsWaiting {
    private ResultsWaiting() {
    }

    static int count(ConnectionSettings settings, String queue) throws Exception {
        String vhost = URLEncoder.encode(settings.vhost(), StandardCharsets.UTF_8).replace("+", "%20");
        HttpRequest request = HttpRequest.newBuilder(settings.managementUri().resolve("/api/queues/" + vhost + "/"
                        + URLEncoder.encode(queue, StandardCharsets.UTF_8).replace("+", "%20") + "/get"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((settings.user() + ":"
                        + settings.authkey()).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"count\":10000,\"ackmode\":\"ack_requeue_true\","
                        + "\"encoding\":\"base64\"}")).build();
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("peeking " + queue + ": HTTP " + response.statusCode() + " " + response.body());
        }
        int results = 0;
        for (JsonNode m : Json.read(response.body().getBytes(StandardCharsets.UTF_8), JsonNode.class)) {
            JsonNode props = m.path("properties");
            if (!JobBatch.TYPE.equals(props.path("type").asText())) {
                results++;
                continue;
            }
            byte[] body = WireCodec.standard().decode(Base64.getDecoder().decode(m.path("payload").asText()),
                    props.path("content_encoding").asText(null));
            results += JobBatch.read(body).size();
        }
        return results;
    }

}
