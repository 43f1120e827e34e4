package io.impetus.coordinator.control;

/**
 * Who sent a control request: the broker user RabbitMQ vouches for (the message's {@code user_id},
 * which the broker checks against the connection's login; {@code null} when a request carries none)
 * and whether that user is the admin.
 */
public record Caller(String user, boolean admin) {
    /** A request with no broker user, not from the admin. */
    public static final Caller ANYONE = new Caller(null, false);
    /** The admin, whatever its broker user. */
    public static final Caller ADMIN = new Caller(null, true);

    public Caller {
        if (user != null && user.isBlank()) {
            user = null;
        }
    }
}
