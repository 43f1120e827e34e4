package io.impetus.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cron expressions read by cron-utils, and the daylight-saving rules: a gap runs once at its end, a repeated time once at the first. */
class CronScheduleTest {
    private static List<Instant> from(CronSchedule cron, String after, int count) {
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(after);
        for (int i = 0; i < count; i++) {
            t = cron.next(t);
            out.add(t);
        }
        return out;
    }

    private static Instant at(String utc) {
        return Instant.parse(utc);
    }

    @Test
    void aFiveFieldCronRunsAtItsMinutesInItsZone() {
        CronSchedule cron = CronSchedule.parse("*/15 9 * * MON-FRI", false, "Europe/Berlin");
        assertThat(from(cron, "2026-12-04T07:50:00Z", 5)).containsExactly(at("2026-12-04T08:00:00Z"),
                at("2026-12-04T08:15:00Z"), at("2026-12-04T08:30:00Z"), at("2026-12-04T08:45:00Z"),
                at("2026-12-07T08:00:00Z")); // Friday, then Monday
    }

    @Test
    void aSixFieldCronWithSecondsRunsEverySecondWhenAskedFor() {
        CronSchedule cron = CronSchedule.parse("* * * * * *", true, "UTC");
        assertThat(from(cron, "2026-12-04T07:50:00Z", 3)).containsExactly(at("2026-12-04T07:50:01Z"),
                at("2026-12-04T07:50:02Z"), at("2026-12-04T07:50:03Z"));
    }

    @Test
    void aSixFieldCronWhereFiveAreMeantIsRefusedSayingSo() {
        assertThatThrownBy(() -> CronSchedule.parse("0 */5 * * * *", false, "UTC"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 6 fields").hasMessageContaining("a cron has 5")
                .hasMessageContaining("ask for seconds");
        assertThatThrownBy(() -> CronSchedule.parse("*/5 * * *", false, "UTC")).hasMessageContaining("has 4 fields");
        assertThatThrownBy(() -> CronSchedule.parse("*/5 * * * *", true, "UTC")).hasMessageContaining("with seconds a cron has 6");
    }

    @Test
    void aBadFieldAnUnknownZoneAndADateThatNeverComesAreRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", false, "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cron '61 * * * *' cannot be read");
        assertThatThrownBy(() -> CronSchedule.parse("0 * * * *", false, "Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown time zone 'Mars/Olympus'")
                .hasMessageContaining("IANA");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *", false, "UTC")).hasMessageContaining("never");
    }

    @Test
    void berlinMovingForwardRunsATimeInTheGapOnceAtItsEnd() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z); 02:30 does not exist that day
        CronSchedule daily = CronSchedule.parse("30 2 * * *", false, "Europe/Berlin");
        assertThat(from(daily, "2026-03-28T00:00:00Z", 3)).containsExactly(at("2026-03-28T01:30:00Z"),
                at("2026-03-29T01:00:00Z"), at("2026-03-30T00:30:00Z"));
        // every minute: the 60 minutes of the gap are one run at its end, not 60 runs and not none
        CronSchedule everyMinute = CronSchedule.parse("* * * * *", false, "Europe/Berlin");
        assertThat(from(everyMinute, "2026-03-29T00:58:00Z", 3)).containsExactly(at("2026-03-29T00:59:00Z"),
                at("2026-03-29T01:00:00Z"), at("2026-03-29T01:01:00Z"));
    }

    @Test
    void newYorkMovingBackRunsARepeatedTimeOnceAtTheFirst() {
        // 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00Z); 01:30 happens at 05:30Z and again at 06:30Z
        CronSchedule daily = CronSchedule.parse("30 1 * * *", false, "America/New_York");
        assertThat(from(daily, "2026-10-31T12:00:00Z", 2)).containsExactly(at("2026-11-01T05:30:00Z"),
                at("2026-11-02T06:30:00Z"));
        CronSchedule hourly = CronSchedule.parse("30 * * * *", false, "America/New_York");
        assertThat(from(hourly, "2026-11-01T04:45:00Z", 2)).containsExactly(at("2026-11-01T05:30:00Z"),
                at("2026-11-01T07:30:00Z")); // 01:30 EDT, then 02:30 EST: 01:30 EST is not run again
        // asked from inside the repeated hour's second pass, it does not go back to its first
        assertThat(hourly.next(at("2026-11-01T06:10:00Z"))).isEqualTo(at("2026-11-01T07:30:00Z"));
    }

    @Test
    void lordHoweWithItsHalfHourShiftFollowsBothRules() {
        // 2026-10-04: 02:00 +10:30 becomes 02:30 +11 (2026-10-03T15:30Z); 02:15 does not exist
        CronSchedule gap = CronSchedule.parse("15 2 * * *", false, "Australia/Lord_Howe");
        assertThat(from(gap, "2026-10-02T00:00:00Z", 3)).containsExactly(at("2026-10-02T15:45:00Z"),
                at("2026-10-03T15:30:00Z"), at("2026-10-04T15:15:00Z"));
        // 2026-04-05: 02:00 +11 becomes 01:30 +10:30; 01:45 happens twice (14:45Z and 15:15Z)
        CronSchedule repeated = CronSchedule.parse("45 1 * * *", false, "Australia/Lord_Howe");
        assertThat(from(repeated, "2026-04-04T00:00:00Z", 2)).containsExactly(at("2026-04-04T14:45:00Z"),
                at("2026-04-05T15:15:00Z"));
    }
}
