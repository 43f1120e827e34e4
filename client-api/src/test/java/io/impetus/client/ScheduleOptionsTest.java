package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.schedule.MisfirePolicy;
import io.impetus.core.schedule.ScheduleSpec;
import org.junit.jupiter.api.Test;

/** Schedule options refuse, at the client, what the coordinator would refuse or read another way. */
class ScheduleOptionsTest {
    @Test
    void aCatchUpCapBelowOneIsRefusedNotTakenAsTheDefault() {
        for (int cap : new int[] {0, -1}) {
            assertThatThrownBy(() -> ScheduleOptions.DEFAULTS.withMisfire(MisfirePolicy.RUN_ALL, cap))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("catch-up cap must be at least 1").hasMessageContaining("was " + cap);
        }
        assertThat(ScheduleOptions.DEFAULTS.withMisfire(MisfirePolicy.RUN_ALL, 3).spec("* * * * *", "UTC").catchUpCap())
                .isEqualTo(3);
    }

    @Test
    void sixFieldsWithoutSecondsAndAnUnknownZoneAreLeftToTheCoordinatorWhichRefusesThem() {
        // the client checks the form only (cron-utils lives in the coordinator): the spec is built, sent, refused
        // there with what is wrong (ScheduleControlTest); a bad id is refused here before anything is sent
        assertThat(ScheduleOptions.DEFAULTS.spec("0 */5 * * * *", "Mars/Olympus").seconds()).isFalse();
        assertThatThrownBy(() -> ScheduleSpec.checkId("bad id!"))
                .hasMessageContaining("schedule id 'bad id!' is not valid");
    }
}
