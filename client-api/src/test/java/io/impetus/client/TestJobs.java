package io.impetus.client;

import io.impetus.core.job.JobEnvelope;
import java.util.function.Function;

/** Makes the {@link Job}s a stage receives, for tests of the engine outside this package. */
public final class TestJobs {
    public static final Function<JobEnvelope, Job> FACTORY = Job::new;

    private TestJobs() {
    }
}
