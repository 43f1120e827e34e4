package io.impetus.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What a running job reported: its progress (a fraction and a message, from
 * {@code JobContext.progress}) and what it printed since the last update. A node sends it to the
 * job's client on the stream's results exchange (message type {@value #TYPE}, signed like an event,
 * not persistent), where {@code impetus watch} sees it too; a node's heartbeat carries each running
 * job's latest, with the tail of its output.
 *
 * @param jobId the job
 * @param stream its stream
 * @param client the client that forked it
 * @param name the job function's name
 * @param node the node running it
 * @param worker the worker's pid
 * @param fraction the last progress reported, 0 to 1, or {@code null} if none yet
 * @param message the last progress message, or {@code null}
 * @param output what the job printed since the last update (in a heartbeat: the tail of its output), or {@code null}
 * @param at when the node sent it (in a heartbeat: when the job started on its worker)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobUpdate(String jobId, String stream, String client, String name, String node, Long worker,
                        Double fraction, String message, String output, Instant at) {
    /** The AMQP type of an update's message on a results exchange. */
    public static final String TYPE = "update";
    /** The longest progress message kept; a longer one is cut. */
    public static final int MAX_MESSAGE_CHARS = 1000;

    /** {@code fraction} checked: a number from 0 to 1. */
    public static double checkedFraction(double fraction) {
        if (Double.isNaN(fraction) || fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("progress is a fraction from 0 to 1 (0.25 for a quarter), not " + fraction);
        }
        return fraction;
    }

    /** {@code message} cut to {@link #MAX_MESSAGE_CHARS}. */
    public static String cutMessage(String message) {
        return message == null || message.length() <= MAX_MESSAGE_CHARS ? message
                : message.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }
}
