package io.impetus.scaler.provider;

import java.util.List;

/**
 * Where nodes come from: EC2 instances, local processes, or nowhere (monitor only). The scaler
 * calls it from its one loop thread. Ids are node ids as nodes report them in heartbeats.
 */
public interface NodeProvider extends AutoCloseable {
    /** Provider name for logs and status: local, ec2, none. */
    String name();

    /** Starts {@code count} nodes; returns the ids of those that started. */
    List<String> launch(int count);

    /** The nodes this provider started that are still alive (whether or not they report yet). */
    List<String> list();

    /** Stops a node that has drained (it runs no job); for a node that is gone, does nothing. */
    void terminate(String nodeId);

    @Override
    default void close() {
    }
}
