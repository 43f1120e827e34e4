package io.impetus.scaler.provider.ec2;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP endpoint that speaks enough of the EC2 Query API (RunInstances, DescribeInstances,
 * TerminateInstances) for the provider's tests, and records every request the SDK sends.
 */
final class FakeEc2 implements AutoCloseable {
    static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> states = new ConcurrentHashMap<>();
    /** How many DescribeInstances calls an instance stays pending before it runs. */
    volatile int pendingPolls = 1;
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final HttpServer server;

    FakeEc2() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = parse(body);
            form.put("header.Authorization", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            requests.add(form);
            byte[] out = answer(form).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/xml");
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Map<String, String>> requests(String action) {
        return requests.stream().filter(r -> action.equals(r.get("Action"))).toList();
    }

    private String answer(Map<String, String> form) {
        switch (form.get("Action")) {
            case "RunInstances": {
                int count = Integer.parseInt(form.get("MaxCount"));
                StringBuilder items = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    String id = String.format("i-%017d", next.incrementAndGet());
                    states.put(id, "pending");
                    items.append(item(id, "pending"));
                }
                return "<RunInstancesResponse xmlns=\"" + NS + "\"><requestId>r</requestId><reservationId>r-1</reservationId>"
                        + "<ownerId>1</ownerId><groupSet/><instancesSet>" + items + "</instancesSet></RunInstancesResponse>";
            }
            case "DescribeInstances": {
                List<String> ids = new ArrayList<>();
                form.forEach((k, v) -> {
                    if (k.startsWith("InstanceId.")) {
                        ids.add(v);
                    }
                });
                StringBuilder items = new StringBuilder();
                for (Map.Entry<String, String> e : states.entrySet()) {
                    if (!ids.isEmpty() && !ids.contains(e.getKey())) {
                        continue;
                    }
                    if ("pending".equals(e.getValue())
                            && polls.computeIfAbsent(e.getKey(), k -> new AtomicInteger()).incrementAndGet() > pendingPolls) {
                        e.setValue("running");
                    }
                    if (ids.isEmpty() && !List.of("pending", "running").contains(e.getValue())) {
                        continue; // the provider filters on state; keep it simple here
                    }
                    items.append(item(e.getKey(), e.getValue()));
                }
                return "<DescribeInstancesResponse xmlns=\"" + NS + "\"><requestId>r</requestId><reservationSet><item>"
                        + "<reservationId>r-1</reservationId><ownerId>1</ownerId><groupSet/><instancesSet>" + items
                        + "</instancesSet></item></reservationSet></DescribeInstancesResponse>";
            }
            case "TerminateInstances": {
                String id = form.get("InstanceId.1");
                states.put(id, "terminated");
                return "<TerminateInstancesResponse xmlns=\"" + NS + "\"><requestId>r</requestId><instancesSet><item>"
                        + "<instanceId>" + id + "</instanceId><currentState><code>32</code><name>shutting-down</name>"
                        + "</currentState><previousState><code>16</code><name>running</name></previousState></item>"
                        + "</instancesSet></TerminateInstancesResponse>";
            }
            default:
                return "<Response><Errors><Error><Code>InvalidAction</Code><Message>" + form.get("Action")
                        + "</Message></Error></Errors><RequestID>r</RequestID></Response>";
        }
    }

    private static String item(String id, String state) {
        int code = switch (state) {
            case "running" -> 16;
            case "terminated" -> 48;
            default -> 0;
        };
        return "<item><instanceId>" + id + "</instanceId><imageId>ami-1</imageId><instanceState><code>" + code
                + "</code><name>" + state + "</name></instanceState></item>";
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
