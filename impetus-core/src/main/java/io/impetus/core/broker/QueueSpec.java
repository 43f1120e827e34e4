package io.impetus.core.broker;

import java.util.Map;

/**
 * How to declare a queue.
 *
 * @param name queue name
 * @param durable survives a broker restart
 * @param exclusive only this connection may use it; deleted when it closes
 * @param autoDelete deleted when its last consumer goes
 * @param arguments {@code x-} arguments (priority, dead-letter route, ...)
 */
public record QueueSpec(String name, boolean durable, boolean exclusive, boolean autoDelete,
                        Map<String, Object> arguments) {
    public QueueSpec {
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }

    public static QueueSpec durable(String name) {
        return new QueueSpec(name, true, false, false, Map.of());
    }

    public static QueueSpec durable(String name, Map<String, Object> arguments) {
        return new QueueSpec(name, true, false, false, arguments);
    }
}
