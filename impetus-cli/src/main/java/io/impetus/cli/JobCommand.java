package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code impetus job ID}: a running job as its node last reported it (heartbeats, every few seconds):
 * stream, function, node and worker, since when, its progress and the tail of what it printed.
 * A job not running now (waiting in its queue, or ended) is not known here: exit 1 with a line saying so.
 */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = "Show a running job: its node and worker, progress, and the tail of what it printed.")
final class JobCommand implements Callable<Integer> {
    @Mixin
    ControlOptions options;

    @Parameters(index = "0", paramLabel = "ID", description = "the job's id (or the first characters of it, 8 or more)")
    String id;

    @Override
    public Integer call() {
        if (id == null || id.isBlank() || id.length() < 8) {
            throw new InvalidPropertyException("job", "give the job's id, or at least its first"
                    + " 8 characters, not '" + id + "'");
        }
        PrintWriter out = options.out();
        try (ControlSession session = options.connect()) {
            NodeStatus[] nodes = session.control().call(new ControlRequest.ListNodes(), NodeStatus[].class);
            JobUpdate job = Arrays.stream(nodes).flatMap(n -> n.jobs().stream())
                    .filter(j -> j.jobId() != null && j.jobId().startsWith(id)).findFirst().orElse(null);
            if (job == null) {
                out.println("impetus job: job " + id + " is not running on any node now (it may wait in its queue,"
                        + " or have ended: its result went to its client; impetus dead show ID if it failed for good)");
                return Impetus.FAILURE;
            }
            options.print(row(job), JobCommand::print);
        }
        return 0;
    }

    static Map<String, Object> row(JobUpdate j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", j.jobId());
        m.put("status", "processing");
        m.put("stream", j.stream());
        m.put("function", j.name());
        m.put("client", j.client());
        m.put("node", j.node());
        m.put("worker", j.worker());
        m.put("started", j.at() == null ? null : j.at().toString());
        m.put("progress", j.fraction());
        m.put("message", j.message());
        m.put("output", j.output());
        return m;
    }

    static void print(PrintWriter out, Map<String, Object> r) {
        out.printf("job       %s (processing)%n", r.get("job"));
        out.printf("stream    %s, function %s, client %s%n", r.get("stream"), r.get("function"), r.get("client"));
        out.printf("node      %s, worker %s, since %s%n", r.get("node"), r.get("worker"), r.get("started"));
        Object f = r.get("progress");
        out.printf("progress  %s%s%n", f == null ? "none reported" : String.format(Locale.ROOT, "%.0f%%",
                ((Number) f).doubleValue() * 100), r.get("message") == null ? "" : " " + r.get("message"));
        Object text = r.get("output");
        out.println(text == null ? "output    none yet" : "output (last " + NodeStatus.MAX_OUTPUT_REPORTED
                + " characters):");
        if (text != null) {
            out.print(text);
            if (!text.toString().endsWith("\n")) {
                out.println();
            }
        }
    }
}
