package io.impetus.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.management.ManagementClient.QueueStats;
import io.impetus.core.topology.Topology;
import io.impetus.scaler.scaling.StreamBacklog;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacklogsTest {

    @Test
    void aQuorumStreamsBandQueuesAddUpToOneBacklog() {
        Topology t = new Topology("x");
        List<StreamBacklog> b = Scaler.backlogs(t, List.of(
                new QueueStats(t.jobsQueue("classic"), 5, 1, 0, 0, 0, 2.0),
                new QueueStats(t.bandQueue("q", 0), 300, 8, 2, 0, 0, 10.0),
                new QueueStats(t.bandQueue("q", 3), 20, 2, 2, 0, 0, 5.0),
                new QueueStats(t.resultsQueue("q", "client"), 999, 0, 1, 0, 0, 0)));
        assertThat(b).containsExactly(new StreamBacklog("classic", 5, 1, 2.0), new StreamBacklog("q", 320, 10, 15.0));
    }
}
