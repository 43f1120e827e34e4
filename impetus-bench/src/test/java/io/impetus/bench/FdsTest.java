package io.impetus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FdsTest {

    @Test
    void readsTheSoftLimitOfOpenFiles() {
        List<String> limits = List.of(
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max processes             95661                95661                processes ",
                "Max open files            1024                 20000                files     ",
                "Max locked memory         8388608              8388608              bytes     ");
        assertThat(Fds.softLimit(limits)).isEqualTo(1024);
    }

    @Test
    void saysUnknownForAnUnlimitedOrMissingLine() {
        assertThat(Fds.softLimit(List.of("Max open files            unlimited            unlimited            files"))).isEqualTo(-1);
        assertThat(Fds.softLimit(List.of("Max processes             95661                95661                processes"))).isEqualTo(-1);
    }

    @Test
    void countsThisProcessesDescriptorsAndNoneOfAMissingProcess() {
        assertThat(Fds.count(ProcessHandle.current().pid())).isPositive();
        assertThat(Fds.count(Long.MAX_VALUE)).isEqualTo(-1);
    }
}
