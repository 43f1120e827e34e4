package io.impetus.bench;

import io.impetus.core.config.JvmCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code --client-jobs N}: runs {@link ManyJobsClient} in its own small-heap JVM and reports its time and memory. */
final class ManyJobsRun {
    private ManyJobsRun() {
    }

    /** N jobs through the Client API in a JVM with a 128 MB heap; prints the time and each process's peak RSS. */
    static void run(int clientJobs, Map<String, String> env, Path work, long nodePid, long coordinatorPid) throws Exception {
        ProcessBuilder pb = JvmCommand.of(ManyJobsClient.class.getName()).maxHeap("128m")
                .args(String.valueOf(clientJobs), "--taskdir", work.resolve("tasks").toString())
                .env(env).env("IMPETUS_LOG_LEVEL", "WARN").processBuilder().redirectErrorStream(true)
                .redirectOutput(work.resolve("many-jobs.log").toFile());
        System.out.printf("many jobs: %d jobs through one Client API program with -Xmx128m...%n", clientJobs);
        long start = System.nanoTime();
        Process client = pb.start();
        long[] peak = new long[3];
        while (!client.waitFor(1, TimeUnit.SECONDS)) {
            peak[0] = Math.max(peak[0], Rss.kb(client.pid()));
            peak[1] = Math.max(peak[1], Rss.kb(coordinatorPid));
            peak[2] = Math.max(peak[2], Rss.kb(nodePid));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> log = Files.readAllLines(work.resolve("many-jobs.log"));
        String verdict = log.stream().filter(l -> l.startsWith("many-jobs:")).findFirst().orElse("no summary line");
        System.out.printf("many jobs: %s in %.0f s (%.0f jobs/s), exit %d; peak RSS client %d MB (heap -Xmx128m),"
                + " coordinator %d MB, node %d MB%n", verdict, seconds, clientJobs / seconds, client.exitValue(),
                peak[0] / 1024, peak[1] / 1024, peak[2] / 1024);
        if (client.exitValue() != 0) {
            throw new IllegalStateException("the many-jobs client failed; its log is " + work.resolve("many-jobs.log"));
        }
    }
}
