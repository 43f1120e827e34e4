package io.impetus.cli;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines {@code impetus watch --logs} prints for running jobs' updates: one for a progress report
 * ({@code job 7c1e4a2b 40% page 4 of 10}) and one per line the job printed ({@code job 7c1e4a2b | text}).
 * Kept until the next refresh, at most {@link #MAX_LINES} (older ones are dropped and counted). Thread-safe.
 */
final class JobUpdateLines {
    static final int MAX_LINES = 10_000;
    private final WireCodec wire = WireCodec.standard();
    private final List<String> lines = new ArrayList<>();
    private long dropped;

    /** Reads {@code m} if it is a job's update; anything else is ignored. */
    void add(InboundMessage m) {
        if (!JobUpdate.TYPE.equals(m.type())) {
            return;
        }
        JobUpdate u;
        try {
            u = wire.read(m, JobUpdate.class);
        } catch (RuntimeException e) {
            return;
        }
        add(lines(u));
    }

    static List<String> lines(JobUpdate u) {
        String job = "job " + shortId(u.jobId());
        List<String> out = new ArrayList<>();
        if (u.fraction() != null) {
            out.add(String.format(Locale.ROOT, "%s %3.0f%%%s", job, u.fraction() * 100,
                    u.message() == null ? "" : " " + u.message()));
        }
        if (u.output() != null) {
            for (String line : u.output().split("\\R")) {
                out.add(job + " | " + line);
            }
        }
        return out;
    }

    static String shortId(String id) {
        return id == null ? "?" : id.length() > 8 ? id.substring(0, 8) : id;
    }

    private synchronized void add(List<String> more) {
        for (String line : more) {
            if (lines.size() >= MAX_LINES) {
                dropped++;
            } else {
                lines.add(line);
            }
        }
    }

    /** The lines since the last call (and how many were dropped, if any). */
    synchronized List<String> drain() {
        List<String> out = new ArrayList<>(lines);
        if (dropped > 0) {
            out.add("(" + dropped + " lines of job output not shown: more than " + MAX_LINES + " a refresh)");
        }
        lines.clear();
        dropped = 0;
        return out;
    }
}
