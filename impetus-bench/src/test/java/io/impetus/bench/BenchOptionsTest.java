package io.impetus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchOptionsTest {

    private static Bench parsed(String... args) {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs(args);
        return bench;
    }

    @Test
    void acceptsTheNewRowsWithTheirOwnValues() {
        Bench bench = parsed("--shape-only", "--clients", "50", "--jobs", "20000");
        assertThat(bench.problem()).isNull();
        assertThat(bench.clients).isEqualTo(50);
        assertThat(parsed("--shape-only", "--nodes", "20", "--mpps", "1", "--spread", "--scaler-queues", "1000")
                .problem()).isNull();
    }

    @Test
    void refusesClientsOutsideTwoToTheMostNamingTheOption() {
        for (String bad : List.of("1", "-5", String.valueOf(Bench.MAX_CLIENTS + 1))) {
            String problem = parsed("--clients", bad, "--shape-only").problem();
            assertThat(problem).as("--clients " + bad).startsWith("--clients must be 2 to " + Bench.MAX_CLIENTS)
                    .contains("was " + bad, "e.g. --clients 50");
        }
        // 0 is the default: no clients row
        assertThat(parsed("--clients", "0", "--shape-only").problem()).startsWith("--shape-only needs a row to run");
    }

    @Test
    void refusesMoreClientsThanJobs() {
        assertThat(parsed("--clients", "50", "--jobs", "10").problem())
                .isEqualTo("--clients 50 is more than --jobs 10: every client forks at least one job; raise --jobs");
    }

    @Test
    void refusesAClientsValueThatIsNotANumberWithAClearError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Bench());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("--clients", "many", "--shape-only");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--clients'", "'many' is not an int");
    }

    @Test
    void spreadNeedsSeveralNodes() {
        assertThat(parsed("--spread", "--shape-only").problem()).startsWith("--spread needs --nodes 2 or more");
        assertThat(parsed("--spread", "--nodes", "2", "--shape-only").problem()).isNull();
    }

    @Test
    void refusesNegativeOrHugeScalerQueues() {
        assertThat(parsed("--scaler-queues", "-1").problem()).startsWith("--scaler-queues must be 1 to")
                .contains("was -1");
        assertThat(parsed("--scaler-queues", String.valueOf(Bench.MAX_SCALER_QUEUES + 1)).problem())
                .startsWith("--scaler-queues must be 1 to");
    }

    @Test
    void shapeOnlyNeedsARow() {
        assertThat(parsed("--shape-only").problem()).startsWith("--shape-only needs a row to run")
                .contains("--clients N", "--spread", "--scaler-queues N", "--shape STREAMSxJOBS");
        assertThat(parsed("--shape-only", "--shape", "3x2").problem()).isNull();
    }

    @Test
    void refusesABadShapeAsBefore() {
        assertThat(parsed("--shape", "300by10").problem())
                .isEqualTo("--shape '300by10' is not STREAMSxJOBS with both at least 1, e.g. --shape 300x10");
        assertThat(ShapeRows.parseShape("1000X10")).containsExactly(1000, 10);
    }

    @Test
    void refusesJobsBelowOneAsBefore() {
        assertThat(parsed("--jobs", "0").problem()).startsWith("--jobs, --mpps");
    }

    @Test
    void acceptsClassicOrQuorumForTheShapeRowsAndRefusesOtherTypesNamingTheOption() {
        assertThat(parsed("--shape-only", "--shape", "200x3").queueType).isEqualTo("classic");
        assertThat(parsed("--shape-only", "--shape", "200x3", "--queue-type", "quorum").problem()).isNull();
        assertThat(parsed("--shape-only", "--shape", "200x3", "--queue-type", "QUORUM").problem()).isNull();
        assertThat(parsed("--shape-only", "--shape", "200x3", "--queue-type", "stream").problem())
                .isEqualTo("--queue-type must be classic or quorum, was 'stream'; e.g. --queue-type quorum");
    }

    @Test
    void theReportNamesTheCommandLineWithEveryOptionThatWasSet() {
        assertThat(parsed().commandLine()).containsExactly("./impetus", "bench", "--jobs", "20000", "--mpps", "2",
                "--jobs-per-worker", "16", "--payload", "0", "--repeat", "1");
        assertThat(String.join(" ", parsed("--jobs", "3000", "--repeat", "2", "--nodes", "3", "--shape", "300x10",
                "--shape", "5x2", "--queue-type", "QUORUM", "--idle", "--open-one-by-one", "--clients", "50",
                "--spread", "--scaler-queues", "100", "--no-signing", "--shape-only", "--in-process",
                "--warm-workers", "4", "--share-workers-by-user", "--in-flight-only").commandLine()))
                .isEqualTo("./impetus bench --jobs 3000 --mpps 2 --jobs-per-worker 16 --payload 0 --repeat 2"
                        + " --nodes 3 --shape 300x10 --shape 5x2 --queue-type quorum --idle --open-one-by-one"
                        + " --clients 50 --spread --scaler-queues 100 --no-signing --shape-only --in-process"
                        + " --warm-workers 4 --share-workers-by-user --in-flight-only");
    }
}
