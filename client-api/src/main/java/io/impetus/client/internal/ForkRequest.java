package io.impetus.client.internal;

import io.impetus.client.ForkOptions;
import java.time.Duration;

/**
 * One fork, as the client API hands it to {@link ClientSession#fork}.
 *
 * @param stream the stream (open in this session)
 * @param function the job function
 * @param arg its argument
 * @param priority the job's priority, or {@code null} for the stream's
 * @param delay how long to hold it, or {@code null} for the stream's
 * @param callback the stage that receives the result
 * @param timeout longest wait for the stream's {@code mss} back-pressure, or {@code null} for no limit
 * @param id the job's id (a {@code Client}'s, the same in a rerun: see {@link ForkIds}), or {@code null} for a random one
 * @param awaited whether other jobs may wait for it (its node sends its result to the coordinator too)
 */
public record ForkRequest(String stream, FunctionRef function, Object arg, Integer priority, Duration delay,
                          String callback, Duration timeout, String id, boolean awaited) {
    /** A fork no other job waits for. */
    public ForkRequest(String stream, FunctionRef function, Object arg, Integer priority, Duration delay,
                       String callback, Duration timeout, String id) {
        this(stream, function, arg, priority, delay, callback, timeout, id, false);
    }

    /** This fork, as job {@code jobId}. */
    public ForkRequest withId(String jobId) {
        return new ForkRequest(stream, function, arg, priority, delay, callback, timeout, jobId, awaited);
    }

    /** This fork, as a job other jobs may wait for. */
    public ForkRequest awaitedByOthers() {
        return new ForkRequest(stream, function, arg, priority, delay, callback, timeout, id, true);
    }

    /** A fork of {@code function(arg)} into {@code stream} with the job's {@code options}. */
    public static ForkRequest of(String stream, FunctionRef function, Object arg, ForkOptions options, String callback,
                                 Duration timeout) {
        return new ForkRequest(stream, function, arg, options.priority().isPresent() ? options.priority().getAsInt()
                : null, options.delay().orElse(null), callback, timeout, null);
    }
}
