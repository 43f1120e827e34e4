package io.impetus.dist;

import io.impetus.core.broker.Broker;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobBatch;

/**
 * How many results wait in a client's results queue: its messages looked at over AMQP and left
 * where they were ({@link Broker#sweep}, which has given them all back when it returns, so a client
 * that subscribes next counts them all), counted item by item — a node sends the results that
 * finish together as one batch message, so the queue's message count is not the number of results.
 */
final class ResultsWaiting {
    private ResultsWaiting() {
    }

    static int count(Broker broker, String queue) {
        int[] results = {0};
        broker.sweep(queue, 10_000, m -> {
            results[0] += JobBatch.TYPE.equals(m.type())
                    ? JobBatch.read(WireCodec.standard().decode(m.body(), m.contentEncoding())).size() : 1;
            return false;
        });
        return results[0];
    }
}
