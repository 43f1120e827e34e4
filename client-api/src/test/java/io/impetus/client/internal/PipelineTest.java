package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.client.Job;
import io.impetus.client.Progress;
import io.impetus.client.TestJobs;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's completion rule, with a fake "node" that answers each fork after a random
 * few milliseconds: linear stages, a later stage forking back into an earlier one (the
 * crawler's shape) and leftover results of an earlier run.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipelineTest {
    private final ScheduledExecutorService node = Executors.newScheduledThreadPool(3);
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Pipeline pipeline;
    private final Map<String, Stage> byName = new ConcurrentHashMap<>();
    private boolean unwritable;

    @AfterEach
    void stop() {
        node.shutdownNow();
    }

    /** Forks a job whose result is {@code value}, to stage {@code to}, answered by the fake node. */
    void fork(String to, int value) {
        Stage stage = byName.get(to);
        String id = UUID.randomUUID().toString();
        try {
            pipeline.forked(id, stage);
        } catch (RuntimeException e) {
            failures.add(e);
            return;
        }
        JobEnvelope result = envelope(id, to).startedBy("fake", 1).finished(JobStatus.READY, Json.tree(value));
        node.schedule(() -> pipeline.deliver(result, null), ThreadLocalRandom.current().nextInt(0, 4),
                TimeUnit.MILLISECONDS);
    }

    private static JobEnvelope envelope(String id, String callback) {
        return JobEnvelope.builder().id(id).stream("s").client("c").name("f").args(Json.tree(0)).code("x")
                .callback(callback).created(Instant.now()).function("F#f").build();
    }

    private Progress run(Object target, Path dir, String... stageNames) throws Exception {
        List<Stage> stages = new ArrayList<>();
        for (String name : stageNames) {
            Method m = target.getClass().getDeclaredMethod(name, name.equals("start") ? new Class<?>[0]
                    : new Class<?>[] {List.class, List.class});
            Stage s = new Stage(name, name.equals("start") ? Stage.Kind.STARTUP : Stage.Kind.PROCESS, m);
            stages.add(s);
            byName.put(name, s);
        }
        TaskFiles files = new TaskFiles(dir, "c", List.of(stageNames));
        if (unwritable) {
            files.close(); // every write now fails with an IOException, as on a full disk
        }
        pipeline = new Pipeline(stages, target, files, new PrintStream(printed, true, StandardCharsets.UTF_8),
                Clock.systemUTC(), Duration.ofMillis(50), TestJobs.FACTORY);
        try {
            return pipeline.run();
        } finally {
            files.close();
        }
    }

    /** start → fetched ⇄ parsed → indexed: each page found forks its children back into fetched. */
    public class Crawl {
        final AtomicInteger pages = new AtomicInteger();
        final AtomicInteger indexed = new AtomicInteger();

        void start() {
            fork("fetched", 1);
            fork("fetched", 2);
        }

        void fetched(List<Job> ready, List<Job> failed) {
            ready.forEach(j -> fork("parsed", j.result(Integer.class)));
        }

        void parsed(List<Job> ready, List<Job> failed) {
            for (Job j : ready) {
                int page = j.result(Integer.class);
                pages.incrementAndGet();
                fork("indexed", page);
                if (page < 200) { // a binary tree of pages 1..200 (1 and 2 seeded; 2 is also 1's child)
                    fork("fetched", 2 * page + 1);
                    if (page > 1) {
                        fork("fetched", 2 * page);
                    }
                }
            }
        }

        void indexed(List<Job> ready, List<Job> failed) {
            indexed.addAndGet(ready.size());
        }
    }

    @RepeatedTest(5)
    void aStageForkingBackIntoAnEarlierStageKeepsItOpenUntilNothingIsLeft(@TempDir Path dir) throws Exception {
        Crawl crawl = new Crawl();
        Progress p = run(crawl, dir, "start", "fetched", "parsed", "indexed");

        assertThat(failures).isEmpty();
        assertThat(crawl.pages.get()).isEqualTo(399); // pages 1..399, each once
        assertThat(crawl.indexed.get()).isEqualTo(399);
        assertThat(p.processed("fetched")).isEqualTo(399);
        assertThat(p.processed("parsed")).isEqualTo(399);
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out.indexOf("fetched completed")).isPositive()
                .isLessThan(out.indexOf("parsed completed"));
        assertThat(out.indexOf("parsed completed")).isLessThan(out.indexOf("indexed completed"));
    }

    /** start → stage1 → stage2, the seed's shape. */
    public class Linear {
        final AtomicInteger sum = new AtomicInteger();

        void start() {
            for (int i = 1; i <= 100; i++) {
                fork("stage1", i);
            }
        }

        void stage1(List<Job> ready, List<Job> failed) {
            ready.forEach(j -> fork("stage2", j.result(Integer.class) * 2));
        }

        void stage2(List<Job> ready, List<Job> failed) {
            ready.forEach(j -> sum.addAndGet(j.result(Integer.class)));
        }
    }

    @Test
    void aLinearPipelineCompletesInOrderWithEveryResult(@TempDir Path dir) throws Exception {
        Linear linear = new Linear();
        Progress p = run(linear, dir, "start", "stage1", "stage2");

        assertThat(failures).isEmpty();
        assertThat(linear.sum.get()).isEqualTo(2 * 5050);
        assertThat(p.processed("stage2")).isEqualTo(100);
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out.indexOf("stage1 completed")).isPositive().isLessThan(out.indexOf("stage2 completed"));
    }

    /** A leftover result (not forked by this run) is handled, and its forks too, before the stage completes. */
    public class Leftover {
        final AtomicInteger seen = new AtomicInteger();

        void start() {
            JobEnvelope old = envelope("earlier-run", "stage1").startedBy("fake", 1)
                    .finished(JobStatus.READY, Json.tree(7));
            pipeline.deliver(old, null);
        }

        void stage1(List<Job> ready, List<Job> failed) {
            ready.forEach(j -> {
                if (j.id().equals("earlier-run")) {
                    try {
                        Thread.sleep(100); // the stage is busy with it while nothing is outstanding
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    fork("stage2", 1);
                }
            });
        }

        void stage2(List<Job> ready, List<Job> failed) {
            seen.addAndGet(ready.size());
        }
    }

    @Test
    void aLeftoverResultIsHandledAndItsForksFollowedBeforeCompletion(@TempDir Path dir) throws Exception {
        Leftover leftover = new Leftover();
        run(leftover, dir, "start", "stage1", "stage2");

        assertThat(failures).isEmpty();
        assertThat(leftover.seen.get()).isEqualTo(1);
    }

    /** start forks 20; the process stage throws on its first batch. */
    public class Throwing {
        void start() {
            for (int i = 0; i < 20; i++) {
                fork("handled", i);
            }
        }

        void handled(List<Job> ready, List<Job> failed) {
            throw new IllegalStateException("bad stage");
        }
    }

    @Test
    void aStageThatThrowsFailsTheRunAndTheProgressSaysWhy(@TempDir Path dir) throws Exception {
        Progress progress = run(new Throwing(), dir, "start", "handled");
        assertThat(progress.failed()).isTrue();
        assertThat(progress.failures()).singleElement().asString().contains("handled", "bad stage");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("handled failed").doesNotContain("handled completed");
        // a fork after the failure is refused, not sent
        Assertions.assertThatThrownBy(() -> pipeline.forked("late", byName.get("handled")))
                .hasMessageContaining("failed");
    }

    /** start forks 5; the process stage takes them without trouble. */
    public class Quiet {
        final AtomicInteger batches = new AtomicInteger();

        void start() {
            for (int i = 0; i < 5; i++) {
                fork("handled", i);
            }
        }

        void handled(List<Job> ready, List<Job> failed) {
            batches.incrementAndGet();
        }
    }

    @Test
    void aTaskFileThatCannotBeWrittenFailsTheRun(@TempDir Path dir) throws Exception {
        unwritable = true;
        Quiet quiet = new Quiet();
        Progress progress = run(quiet, dir, "start", "handled");
        assertThat(progress.failed()).isTrue();
        assertThat(progress.failures()).singleElement().asString().contains("handled", "cannot write task file");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("handled failed").doesNotContain("handled completed");
    }
}
