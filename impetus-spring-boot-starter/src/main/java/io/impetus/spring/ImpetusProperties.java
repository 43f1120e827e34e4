package io.impetus.spring;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code impetus.*} properties of the starter's {@code Impetus} bean. Every one is optional: one
 * left unset falls back to what {@code Impetus.connect()} reads ({@code IMPETUS_RABBITMQ_URI},
 * {@code IMPETUS_PREFIX}, {@code IMPETUS_SIGNING_KEY_FILE} and the rest of the environment, then the
 * config file {@code IMPETUS_CONFIG} or {@code ./impetus.properties}, then the defaults). A property
 * set here beats all of those.
 *
 * <p>Bound once at startup; not thread-safe while binding, read-only after.
 */
@ConfigurationProperties("impetus")
public class ImpetusProperties {
    /** How long a health check waits, unless set. */
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The broker's AMQP URI, or a comma-separated list of one cluster's URIs, e.g.
     * amqp://impetus:secret@rabbit:5672/impetus. Default: IMPETUS_RABBITMQ_URI, else the config
     * file, else amqp://impetus:impetus@localhost:5672/.
     */
    private String uri;

    /** The broker user; beats the user in the URI. Default: the URI's, else impetus. */
    private String user;

    /**
     * A file whose first line is the broker password; beats the password in the URI. Safer than
     * impetus.password: the secret stays out of the application's properties and environment.
     */
    private Path passwordFile;

    /**
     * The broker password; beats the password in the URI. Allowed, but less safe than
     * impetus.password-file: properties are easily logged, shown by actuator or committed.
     */
    private String password;

    /** The broker vhost; beats the vhost in the URI. Default: IMPETUS_VHOST, else the URI's, else /. */
    private String vhost;

    /** The installation's name prefix (its queues are PREFIX.*). Default: IMPETUS_PREFIX, else impetus. */
    private String prefix;

    /**
     * The installation's signing key file, as impetus keygen wrote it. Default:
     * IMPETUS_SIGNING_KEY or IMPETUS_SIGNING_KEY_FILE, else no signing.
     */
    private Path signingKeyFile;

    /** Most jobs outstanding in all before fork waits. Default: IMPETUS_MAX_OUTSTANDING, else 10000. */
    private Integer maxOutstanding;

    /**
     * This client's id; reuse it across restarts to pick up results that came while the
     * application was away. Default: a random id per start.
     */
    private String clientId;

    /** The health indicator's choices (it is on only with management.health.impetus.enabled=true). */
    private final Health health = new Health();

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public Path getPasswordFile() {
        return passwordFile;
    }

    public void setPasswordFile(Path passwordFile) {
        this.passwordFile = passwordFile;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getVhost() {
        return vhost;
    }

    public void setVhost(String vhost) {
        this.vhost = vhost;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public Path getSigningKeyFile() {
        return signingKeyFile;
    }

    public void setSigningKeyFile(Path signingKeyFile) {
        this.signingKeyFile = signingKeyFile;
    }

    public Integer getMaxOutstanding() {
        return maxOutstanding;
    }

    public void setMaxOutstanding(Integer maxOutstanding) {
        this.maxOutstanding = maxOutstanding;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public Health getHealth() {
        return health;
    }

    /** The {@code impetus.health.*} properties. */
    public static class Health {
        /** How long a health check waits for the coordinator to answer before reporting DOWN. */
        private Duration timeout = DEFAULT_HEALTH_TIMEOUT;

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("impetus.health.timeout must be positive (e.g. 5s), was " + timeout);
            }
            this.timeout = timeout;
        }
    }
}
