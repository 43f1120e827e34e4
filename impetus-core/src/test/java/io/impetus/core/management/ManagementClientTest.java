package io.impetus.core.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.topology.Topology;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ManagementClient.queues against a local stand-in for RabbitMQ's management API. */
class ManagementClientTest {
    private final List<String> queries = new CopyOnWriteArrayList<>();

    @Test
    void asksTheBrokerForThePrefixsQueuesOnlyAndReadsEveryPage() {
        DaemonEndpoint server = serve(query -> {
            int page = Integer.parseInt(param(query, "page"));
            String items = page == 1
                    ? "{\"name\":\"impetus.stream.a.jobs\",\"messages_ready\":3,\"messages_unacknowledged\":1,\"consumers\":2,"
                            + "\"message_stats\":{\"ack\":5,\"publish_details\":{\"rate\":1.5}}}"
                    : "{\"name\":\"impetus.stream.b.jobs\",\"messages_ready\":4},{\"name\":\"impetus.streamy\"}";
            return "{\"items\":[" + items + "],\"page\":" + page + ",\"page_count\":2,\"page_size\":500}";
        });
        try {
            List<ManagementClient.QueueStats> queues = client(server).queues("impetus.stream.");
            assertThat(queues).extracting(ManagementClient.QueueStats::name)
                    .containsExactly("impetus.stream.a.jobs", "impetus.stream.b.jobs");
            ManagementClient.QueueStats a = queues.get(0);
            assertThat(a.ready()).isEqualTo(3);
            assertThat(a.unacknowledged()).isEqualTo(1);
            assertThat(a.consumers()).isEqualTo(2);
            assertThat(a.acked()).isEqualTo(5);
            assertThat(a.publishRate()).isEqualTo(1.5);
            assertThat(queries).hasSize(2);
            String regex = param(queries.get(0), "name");
            assertThat(param(queries.get(0), "use_regex")).isEqualTo("true");
            assertThat(Pattern.compile(regex).matcher("impetus.stream.x").lookingAt()).isTrue();
            assertThat(Pattern.compile(regex).matcher("impetusXstreamYx").lookingAt())
                    .as("the dots are literal").isFalse();
            assertThat(Pattern.compile(regex).matcher("other.impetus.stream.x").lookingAt()).isFalse();
        } finally {
            server.close();
        }
    }

    @Test
    void aPlainArrayAnswerIsFilteredHere() {
        DaemonEndpoint server = serve(query -> "[{\"name\":\"impetus.stream.a.jobs\",\"messages_ready\":2},"
                + "{\"name\":\"someone.else\",\"messages_ready\":9}]");
        try {
            assertThat(client(server).queues("impetus.stream.")).extracting(ManagementClient.QueueStats::name)
                    .containsExactly("impetus.stream.a.jobs");
            assertThat(queries).hasSize(1);
        } finally {
            server.close();
        }
    }

    @Test
    void exchangeNamesAsksForNamesOnlyOfTheExchangesPathAndReadsEveryPage() {
        List<String> paths = new CopyOnWriteArrayList<>();
        DaemonEndpoint server = DaemonEndpoint.start("management stand-in", "127.0.0.1", 0, null, Map.of("/", request -> {
            String query = request.uri().getRawQuery();
            queries.add(query);
            paths.add(request.uri().getRawPath());
            int page = Integer.parseInt(param(query, "page"));
            String items = page == 1 ? "{\"name\":\"impetus.stream.a.results\"}"
                    : "{\"name\":\"impetus.stream.b.results\"},{\"name\":\"impetus.streamy\"}";
            return DaemonEndpoint.Response.ok("application/json", ("{\"items\":[" + items + "],\"page\":" + page
                    + ",\"page_count\":2}").getBytes(StandardCharsets.UTF_8));
        }));
        try {
            assertThat(client(server).exchangeNames("impetus.stream."))
                    .containsExactlyInAnyOrder("impetus.stream.a.results", "impetus.stream.b.results");
            assertThat(paths).containsOnly("/api/exchanges/%2F");
            assertThat(param(queries.get(0), "columns")).isEqualTo("name");
            assertThat(queries).hasSize(2);
        } finally {
            server.close();
        }
    }

    @Test
    void literalRegexEscapesWhatARegexWouldReadAsSyntax() {
        assertThat(ManagementClient.literalRegex("a.b*c")).isEqualTo("a\\.b\\*c");
        assertThat(Pattern.matches(ManagementClient.literalRegex("x+(y)?[z]"), "x+(y)?[z]")).isTrue();
    }

    /**
     * The stand-in is a {@link DaemonEndpoint}, not a bare JDK {@code HttpServer}: the JDK server reads its
     * time limits once, when the first server of the JVM is made, and {@code DaemonEndpoint} sets them first
     * (a bare server made earlier in this test JVM would leave {@code DaemonEndpointTest}'s endpoint without them).
     */
    private DaemonEndpoint serve(Function<String, String> answer) {
        return DaemonEndpoint.start("management stand-in", "127.0.0.1", 0, null, Map.of("/", request -> {
            String query = request.uri().getRawQuery();
            queries.add(query);
            return DaemonEndpoint.Response.ok("application/json", answer.apply(query).getBytes(StandardCharsets.UTF_8));
        }));
    }

    private static ManagementClient client(DaemonEndpoint server) {
        return new ManagementClient(new ConnectionSettings("127.0.0.1", 5672, "u", "p", "/", false,
                URI.create("http://127.0.0.1:" + server.port()), Topology.DEFAULT));
    }

    private static String param(String query, String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
