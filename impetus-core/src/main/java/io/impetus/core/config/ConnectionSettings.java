package io.impetus.core.config;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.topology.Topology;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and as whom a process talks to RabbitMQ. The authkey is the broker password, so a
 * wrong key is refused by the broker itself.
 *
 * @param host broker host
 * @param port AMQP port
 * @param user broker user
 * @param authkey broker password
 * @param vhost virtual host of this Impetus installation
 * @param tls whether to use amqps
 * @param managementUri base of the management HTTP API ({@code http://host:15672})
 * @param topology names of queues and exchanges
 * @param alternates further nodes of the same cluster ({@code host:port}), tried in order after
 *     {@code host:port} when connecting and when recovering a lost connection
 * @param managementAlternates further management API bases, tried in order after {@code managementUri}
 */
public record ConnectionSettings(
        String host,
        int port,
        String user,
        String authkey,
        String vhost,
        boolean tls,
        URI managementUri,
        Topology topology,
        List<String> alternates,
        List<URI> managementAlternates) {

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 5672;
    public static final int DEFAULT_TLS_PORT = 5671;
    public static final int DEFAULT_MANAGEMENT_PORT = 15672;
    public static final String DEFAULT_USER = "impetus";
    public static final String DEFAULT_AUTHKEY = "impetus";
    public static final String DEFAULT_VHOST = "/";

    public ConnectionSettings {
        if (host == null || host.isBlank()) {
            throw new InvalidPropertyException("host", "broker host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidPropertyException("port", "broker port must be between 1 and 65535, was " + port);
        }
        if (user == null || user.isEmpty()) {
            throw new InvalidPropertyException("user", "broker user must not be empty");
        }
        if (authkey == null) {
            throw new InvalidPropertyException("authkey", "authkey (the broker password) must be set");
        }
        if (vhost == null || vhost.isEmpty()) {
            throw new InvalidPropertyException("vhost", "vhost must not be empty (the default vhost is '/')");
        }
        if (managementUri == null) {
            managementUri = URI.create("http://" + host + ":" + DEFAULT_MANAGEMENT_PORT);
        }
        if (topology == null) {
            topology = Topology.DEFAULT;
        }
        alternates = alternates == null ? List.of() : List.copyOf(alternates);
        managementAlternates = managementAlternates == null ? List.of()
                : List.copyOf(managementAlternates);
    }

    /** One broker node (no alternates). */
    public ConnectionSettings(String host, int port, String user, String authkey, String vhost, boolean tls,
                              URI managementUri, Topology topology) {
        this(host, port, user, authkey, vhost, tls, managementUri, topology, null, null);
    }

    /** Every node to try, {@code host:port}, the first one first. */
    public List<String> addresses() {
        List<String> all = new ArrayList<>();
        all.add(address());
        all.addAll(alternates);
        return all;
    }

    /** Every management API base to try, the first one first. */
    public List<URI> managementUris() {
        List<URI> all = new ArrayList<>();
        all.add(managementUri);
        all.addAll(managementAlternates);
        return all;
    }

    /**
     * The whole list as {@code IMPETUS_RABBITMQ_URI} takes it (comma-separated, passwords included),
     * for handing to a child process's environment; never for logs.
     */
    public String uriList() {
        StringBuilder b = new StringBuilder(amqpUri().toString());
        for (String a : alternates) {
            b.append(',').append(tls ? "amqps" : "amqp").append("://").append(enc(user)).append(':').append(enc(authkey))
                    .append('@').append(a).append('/').append(enc(vhost));
        }
        return b.toString();
    }

    /** The management URIs as {@code IMPETUS_MANAGEMENT_URI} takes them (comma-separated). */
    public String managementUriList() {
        return String.join(",", managementUris().stream().map(URI::toString).toList());
    }

    public static ConnectionSettings defaults() {
        return new ConnectionSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_USER, DEFAULT_AUTHKEY,
                DEFAULT_VHOST, false, null, Topology.DEFAULT);
    }

    /** The AMQP URI, password included; for connecting, never for logs. */
    public URI amqpUri() {
        return URI.create((tls ? "amqps" : "amqp") + "://" + enc(user) + ":" + enc(authkey) + "@" + host
                + ":" + port + "/" + enc(vhost));
    }

    /** The AMQP URI without the password, for logs and messages. */
    public String redacted() {
        return (tls ? "amqps" : "amqp") + "://" + user + "@" + String.join(",", addresses()) + "/" + enc(vhost);
    }

    /** {@code host:port}, for messages. */
    public String address() {
        return host + ":" + port;
    }

    public ConnectionSettings withTopology(Topology other) {
        return new ConnectionSettings(host, port, user, authkey, vhost, tls, managementUri, other, alternates,
                managementAlternates);
    }

    public ConnectionSettings withVhost(String other) {
        return new ConnectionSettings(host, port, user, authkey, other, tls, managementUri, topology, alternates,
                managementAlternates);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
