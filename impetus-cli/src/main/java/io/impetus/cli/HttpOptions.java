package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.http.DaemonEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * A daemon's HTTP endpoint ({@code /metrics}; the coordinator's status page): off unless
 * {@code --http-port} (or {@code IMPETUS_HTTP_PORT}, config {@code http-port}) is given; bound to
 * 127.0.0.1 unless {@code --http-bind}; basic auth as user {@code impetus} with the endpoint's own
 * key from {@code --http-key-file} or {@code IMPETUS_HTTP_KEY} — never a broker password — and
 * without one only with {@code --insecure-http}.
 */
public final class HttpOptions {
    static final String ENV_HTTP_KEY = "IMPETUS_HTTP_KEY";

    @Option(names = "--http-port", paramLabel = "PORT", description = "serve /metrics (and, on a coordinator, the"
            + " status page) on this port (default: off; env IMPETUS_HTTP_PORT)")
    Integer port;

    @Option(names = "--http-bind", paramLabel = "HOST", description = "address the HTTP endpoint listens on"
            + " (default: ${DEFAULT-VALUE})")
    String bind = "127.0.0.1";

    @Option(names = "--http-key-file", paramLabel = "FILE", description = "the HTTP endpoint's key (basic-auth"
            + " password of user impetus; else IMPETUS_HTTP_KEY)")
    Path keyFile;

    @Option(names = "--insecure-http", description = "serve the HTTP endpoint without a key")
    boolean insecure;

    /**
     * Refuses a port outside 1..65535 and, with a port, a missing key: called before the daemon connects to
     * anything, so a bad value never waits behind a broker, a store or another coordinator's lease.
     */
    void check() {
        if (port == null) {
            return;
        }
        if (port < 1 || port > 65535) {
            throw new InvalidPropertyException("http-port", "--http-port (IMPETUS_HTTP_PORT, config http-port) must be"
                    + " between 1 and 65535, was " + port + "; leave it out for no HTTP endpoint");
        }
        key();
    }

    /** Starts the endpoint with {@code routes} when a port was given; else returns null. */
    DaemonEndpoint start(String what, Map<String, DaemonEndpoint.Handler> routes) {
        if (port == null) {
            return null;
        }
        check();
        String key = key();
        DaemonEndpoint.refuseDefaultKeyWhenPublished(what, key, System.getenv(DaemonEndpoint.ENV_PUBLISHED_ON));
        return DaemonEndpoint.start(what, bind, port, key, routes);
    }

    /** The key: --http-key-file or IMPETUS_HTTP_KEY; none only with --insecure-http. */
    String key() {
        String key = null;
        if (keyFile != null) {
            try {
                key = Files.readString(keyFile).strip();
            } catch (IOException e) {
                throw new InvalidPropertyException("http-key-file", "cannot read --http-key-file " + keyFile + ": " + e);
            }
        }
        if (key == null || key.isEmpty()) {
            key = System.getenv(ENV_HTTP_KEY);
        }
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        if (insecure) {
            return null;
        }
        throw new InvalidPropertyException("http-key", "the HTTP endpoint needs its own key: --http-key-file FILE or "
                + ENV_HTTP_KEY + " (not the broker password); or --insecure-http to serve it without one");
    }

    /** {@code daemon} and then {@code endpoint} (when there is one), closed in the reverse order. */
    static AutoCloseable together(AutoCloseable daemon, DaemonEndpoint endpoint) {
        if (endpoint == null) {
            return daemon;
        }
        return () -> {
            endpoint.close();
            daemon.close();
        };
    }
}
