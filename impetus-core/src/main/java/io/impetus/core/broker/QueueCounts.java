package io.impetus.core.broker;

/** What AMQP tells of a queue: messages ready to deliver and consumers attached. */
public record QueueCounts(String queue, long ready, int consumers) {
}
