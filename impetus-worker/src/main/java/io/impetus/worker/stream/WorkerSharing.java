package io.impetus.worker.stream;

import java.util.Map;

/**
 * Which streams of a node may pass a started worker to one another through the
 * {@link WorkerLounge}: those with the same key. A worker that ran a job of one stream may keep
 * what that job left in its JVM (static state, loaded classes, its scratch folder), so the key
 * says whose code may see it.
 */
public enum WorkerSharing {
    /** The default: streams of the same creator (client id and broker user) only. */
    CREATOR {
        @Override
        String key(Map<String, String> metadata) {
            String client = metadata.get("creator");
            return client == null ? null : client + " as " + metadata.getOrDefault("creator-user", "");
        }
    },
    /**
     * Opt-in ({@code impetus node --share-workers-by-user}): streams created under the same broker
     * user, whichever client created them. Clients that share a broker user already trust each other
     * with that user's rights (each may read the other's results queues); this lets one's job code see
     * what another's left in a worker JVM too.
     */
    BROKER_USER {
        @Override
        String key(Map<String, String> metadata) {
            String user = metadata.get("creator-user");
            return user == null || user.isEmpty() ? CREATOR.key(metadata) : "user " + user;
        }
    };

    /** The sharing key of a stream with these properties' metadata; {@code null}: it shares with no stream. */
    abstract String key(Map<String, String> metadata);
}
