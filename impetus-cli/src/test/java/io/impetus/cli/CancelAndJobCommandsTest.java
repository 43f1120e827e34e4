package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.job.JobUpdate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** impetus cancel and impetus job: bad input is a usage error before anything connects; what job and watch print. */
class CancelAndJobCommandsTest {

    private static String[] run(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Impetus.run(args);
            return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(before);
        }
    }

    @Test
    void aCancelWithoutAJobOrAllOrWithBothOrWithoutAStreamIsAUsageError() {
        assertThat(run("cancel", "--stream", "s")).satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("give a job id", "--all");
        });
        assertThat(run("cancel", "job-1", "--stream", "s", "--all")[1]).contains("not both");
        assertThat(run("cancel", "job-1")[0]).isEqualTo("2"); // --stream is required
        assertThat(run("cancel", "a\u0001b", "--stream", "s")[1]).contains("a job id is 1 to 200");
        assertThat(run("cancel", "a b", "--stream", "s")).satisfies(r -> { // never a job's id
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("job id 'a b' is not valid");
        });
        assertThat(run("cancel", "--stream", "s", "--all", "--queued")[1]).contains("--queued goes with a job id");
    }

    @Test
    void aJobIdShorterThanEightCharactersIsAUsageError() {
        assertThat(run("job", "abc")).satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("at least its first 8 characters");
        });
    }

    @Test
    void jobPrintsProgressAndTheOutputTail() {
        JobUpdate u = new JobUpdate("7c1e4a2b-0000", "crawl", "c1", "site", "node-1", 4711L, 0.4, "page 4 of 10",
                "fetched /a\nfetched /b\n", Instant.parse("2026-01-01T00:00:00Z"));
        StringWriter text = new StringWriter();
        JobCommand.print(new PrintWriter(text), JobCommand.row(u));
        assertThat(text.toString()).contains("7c1e4a2b-0000 (processing)", "node-1, worker 4711", "40% page 4 of 10",
                "fetched /a\nfetched /b\n");
    }

    @Test
    void watchLogsShowsAProgressLineAndOneLinePerPrintedLine() {
        JobUpdate u = new JobUpdate("7c1e4a2b-0000", "crawl", "c1", "site", "node-1", 4711L, 0.25, "a quarter",
                "one\ntwo\n", Instant.EPOCH);
        assertThat(JobUpdateLines.lines(u)).containsExactly("job 7c1e4a2b  25% a quarter", "job 7c1e4a2b | one",
                "job 7c1e4a2b | two");
        JobUpdate outputOnly = new JobUpdate("x", "s", "c", "f", "n", 1L, null, null, "just this", Instant.EPOCH);
        assertThat(JobUpdateLines.lines(outputOnly)).containsExactly("job x | just this");
    }
}
