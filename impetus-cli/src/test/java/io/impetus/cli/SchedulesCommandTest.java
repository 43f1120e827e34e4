package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleResult;
import io.impetus.core.schedule.ScheduleSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** impetus schedules: bad input is a usage error before anything connects; what show prints. */
class SchedulesCommandTest {
    private static String[] run(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new String[] {String.valueOf(Impetus.run(args)), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(before);
        }
    }

    @Test
    void anUnknownActionOrAMissingIdIsAUsageError() {
        assertThat(run("schedules", "explode")).satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("unknown action 'explode'", "list", "trigger");
        });
        assertThat(run("schedules", "pause")).satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("pause needs the schedule's id");
        });
        assertThat(run("schedules", "delete", "../etc")).as("checked before anything connects").satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("schedule id '../etc' is not valid", "letters, digits");
        });
    }

    @Test
    void showPrintsTheScheduleItsCountsAndItsLatestResults() {
        ScheduleInfo info = new ScheduleInfo("nightly", "reports", "c1", "a.Reports#nightly",
                ScheduleSpec.of("30 2 * * *", "Europe/Berlin"), false, Instant.parse("2026-12-08T01:30:00Z"),
                Instant.parse("2026-12-07T01:30:00Z"), "nightly:1796607000000", "ok", 120, 7, 2, 1, 3, 0,
                "impetus.stream.reports.results.schedule.nightly");
        StringWriter text = new StringWriter();
        SchedulesCommand.print(new PrintWriter(text), new SchedulesCommand.Shown(info, List.of(new ScheduleResult(
                "nightly:1796607000000", Instant.parse("2026-12-07T01:30:00Z"), "ready", IntNode.valueOf(42), "n1"))));
        assertThat(text.toString()).contains("schedule nightly on stream reports", "30 2 * * * in Europe/Berlin",
                "misfire RUN_ONCE", "overlap ALLOW", "next       2026-12-08T01:30:00Z", "fired 120 ms late",
                "7 runs, 2 missed, 1 skipped (overlap), 3 lost", "impetus.stream.reports.results.schedule.nightly",
                "2026-12-07T01:30:00Z  ready  nightly:1796607000000  42");
    }
}
