package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobChecks;
import io.impetus.core.rpc.ControlRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code impetus cancel JOB --stream S} cancels one job; {@code impetus cancel --stream S --all} every
 * job of the stream forked until now. The request is signed with the installation's key; the
 * coordinator accepts it from the admin (the coordinator's broker user) or from the stream's creator
 * ({@code --client}, sending as the broker user that created the stream).
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job (JOB --stream S) or every job of a stream so far (--stream S --all): a waiting"
                + " job never starts, a running one has its worker stopped, and its client gets the error 'cancelled'.")
final class CancelCommand implements Callable<Integer> {
    @Mixin
    SignedControlOptions options;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "the job's id")
    String job;

    @Option(names = "--stream", paramLabel = "S", required = true, description = "the job's stream")
    String stream;

    @Option(names = "--all", description = "without JOB: every job of the stream forked until now")
    boolean all;

    @Option(names = "--queued", description = "cancel JOB even if the coordinator does not see it (not running,"
            + " delayed or waiting for other jobs): you know it waits in the broker's queue, which the coordinator"
            + " cannot look into. Without it, an id the coordinator does not know is refused and nothing changes.")
    boolean queued;

    @Option(names = "--client", paramLabel = "ID",
            description = "ask as this client (the stream's creator); else the admin's broker user is needed")
    String client;

    @Override
    public Integer call() {
        if (job == null && !all) {
            throw new InvalidPropertyException("cancel", "give a job id (impetus cancel JOB --stream S), or --all to"
                    + " cancel every job of stream " + stream + " forked until now");
        }
        if (job != null && all) {
            throw new InvalidPropertyException("cancel", "give a job id or --all, not both");
        }
        if (queued && job == null) {
            throw new InvalidPropertyException("cancel", "--queued goes with a job id, not with --all");
        }
        if (job != null) {
            try {
                JobChecks.checkId(JobCancel.checkedJobId(job));
            } catch (RuntimeException e) {
                throw new InvalidPropertyException("cancel", e.getMessage());
            }
        }
        try (ControlSession session = options.connect()) {
            JobCancel cancel = session.control().call(new ControlRequest.CancelJobs(stream, job, client, queued ? Boolean.TRUE : null), JobCancel.class);
            options.print(cancel, (w, c) -> w.printf("cancelled %s (by %s at %s)%n", c.job() == null
                    ? "every job of stream " + c.stream() + " forked until now" : "job " + c.job() + " of stream "
                    + c.stream(), c.by(), c.before()));
        }
        return 0;
    }
}
