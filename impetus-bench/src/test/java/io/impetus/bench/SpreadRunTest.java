package io.impetus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpreadRunTest {
    private static final Measured.Cost NO_COST = new Measured.Cost(Map.of(), Map.of(), new BrokerUse(0, 0, 0));

    @Test
    void aJobBelongsToTheNodeThatStartedItsWorkerOrRanItItself() {
        List<Long> nodes = List.of(100L, 200L, 300L);
        assertThat(SpreadRun.nodeOf(nodes, new BenchJobs.Placed(4, 901, 200))).isEqualTo(1);
        assertThat(SpreadRun.nodeOf(nodes, new BenchJobs.Placed(4, 300, 1))).isEqualTo(2);
        assertThat(SpreadRun.nodeOf(nodes, new BenchJobs.Placed(4, 901, 902))).isEqualTo(-1);
    }

    @Test
    void saysWhetherANodeStarved() {
        SpreadRun.Row fed = new SpreadRun.Row(3, 1, 30, 2.0, new int[] {9, 10, 11}, 0, NO_COST);
        assertThat(fed.line()).contains("min 9 / max 11, no node starved", "15 jobs/s", "per node [9, 10, 11]");
        SpreadRun.Row starved = new SpreadRun.Row(3, 1, 30, 2.0, new int[] {15, 15, 0}, 0, NO_COST);
        assertThat(starved.line()).contains("min 0 / max 15, 1 node(s) ran none");
    }

    @Test
    void placedReportsThisProcessAndItsParent() {
        BenchJobs.Placed p = BenchJobs.placed(new BenchJobs.Task(7, ""));
        assertThat(p.square()).isEqualTo(49);
        assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(p.parentPid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
    }
}
