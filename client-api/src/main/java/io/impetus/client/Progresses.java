package io.impetus.client;

import io.impetus.core.job.JobUpdate;

/** A node's update of a job, as the public API shows it. */
final class Progresses {
    private Progresses() {
    }

    static JobProgress of(JobUpdate u) {
        return new JobProgress(u.jobId(), u.stream(), u.name(), u.node(), u.fraction(), u.message(), u.output(), u.at());
    }
}
