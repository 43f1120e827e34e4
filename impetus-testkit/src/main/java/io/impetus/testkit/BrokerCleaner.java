package io.impetus.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what a test made on the broker: every queue and exchange whose name starts with the
 * test's prefix, through the management API. Best effort; it never fails a test.
 */
public final class BrokerCleaner {
    private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]*)\"");

    private BrokerCleaner() {
    }

    public static void deleteAll(String prefix) {
        TestBroker broker = TestBroker.get();
        URI amqp = URI.create(broker.amqpUri());
        String[] userInfo = amqp.getRawUserInfo() == null ? new String[] {"guest", "guest"}
                : amqp.getRawUserInfo().split(":", 2);
        String user = URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8);
        String pass = userInfo.length > 1 ? URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8) : "";
        String vhost = amqp.getRawPath() == null || amqp.getRawPath().length() <= 1 ? "/"
                : URLDecoder.decode(amqp.getRawPath().substring(1), StandardCharsets.UTF_8);
        String base = broker.managementUri() != null ? broker.managementUri() : "http://" + amqp.getHost() + ":15672";
        String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String v = URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        for (String kind : List.of("queues", "exchanges")) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/" + kind + "/" + v + "?columns=name"))
                        .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString()).body();
                List<String> names = new ArrayList<>();
                Matcher m = NAME.matcher(body);
                while (m.find()) {
                    if (m.group(1).startsWith(prefix)) {
                        names.add(m.group(1));
                    }
                }
                for (String name : names) {
                    http.send(HttpRequest.newBuilder(URI.create(base + "/api/" + kind + "/" + v + "/"
                            + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")))
                            .header("Authorization", auth).DELETE().build(), HttpResponse.BodyHandlers.discarding());
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("BrokerCleaner: could not clean " + kind + " with prefix " + prefix + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
