package io.impetus.client.internal;

import io.impetus.core.job.JobEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's backstop for a job whose result never comes (a message lost where nothing could
 * tell the client): each job sent is due back within {@code deadline} of when it is due to run
 * (its fork, plus its delay); {@link #overdue()} hands out those past it, once each. Off (never
 * overdue) when the deadline is {@code null}. Thread-safe; time from the injected clock.
 */
final class JobDeadlines {
    private record Due(JobEnvelope job, Instant at) {
    }

    private final Duration deadline;
    private final Clock clock;
    /** In the order sent, which is nearly the order due (a delay puts a job later): a pass stops at the first not due. */
    private final Map<String, Due> waiting = new LinkedHashMap<>();
    private final Set<String> expired = ConcurrentHashMap.newKeySet();

    JobDeadlines(Duration deadline, Clock clock) {
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("the job deadline must be positive (or off), was " + deadline);
        }
        this.deadline = deadline;
        this.clock = clock;
    }

    /** The deadline, or {@code null} when off. */
    Duration deadline() {
        return deadline;
    }

    /** Job {@code job} was sent (or adopted from an earlier run): its result is due within the deadline of its run time. */
    void sent(JobEnvelope job) {
        if (deadline == null) {
            return;
        }
        Instant at = clock.instant().plusMillis(Math.round(job.delay() * 1000)).plus(deadline);
        synchronized (waiting) {
            waiting.put(job.id(), new Due(job, at));
        }
    }

    /** Its result is in (or it ended some other way): it is no longer due. */
    void done(String jobId) {
        if (deadline == null) {
            return;
        }
        synchronized (waiting) {
            waiting.remove(jobId);
        }
    }

    /** The jobs now past their deadline, each returned once; they are no longer waited for. */
    List<JobEnvelope> overdue() {
        List<JobEnvelope> out = new ArrayList<>();
        if (deadline == null) {
            return out;
        }
        Instant now = clock.instant();
        synchronized (waiting) {
            for (Iterator<Due> i = waiting.values().iterator(); i.hasNext(); ) {
                Due d = i.next();
                if (d.at().isAfter(now)) {
                    if (d.job().delay() == 0) {
                        break; // the rest were sent later, with no more delay than this one could skip past
                    }
                    continue;
                }
                i.remove();
                expired.add(d.job().id());
                out.add(d.job());
            }
        }
        return out;
    }

    /** Whether job {@code jobId} went past its deadline (a result of it now is late, and dropped). */
    boolean wasOverdue(String jobId) {
        return expired.contains(jobId);
    }
}
