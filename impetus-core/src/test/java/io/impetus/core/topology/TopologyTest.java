package io.impetus.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.stream.StreamProperties;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class TopologyTest {

    @Test
    void buildsReadableNames() {
        Topology t = Topology.DEFAULT;
        assertThat(t.controlQueue()).isEqualTo("impetus.control");
        assertThat(t.eventsExchange()).isEqualTo("impetus.events");
        assertThat(t.deadExchange()).isEqualTo("impetus.dead");
        assertThat(t.jobsQueue("crawl")).isEqualTo("impetus.stream.crawl.jobs");
        assertThat(t.resultsExchange("crawl")).isEqualTo("impetus.stream.crawl.results");
        assertThat(t.resultsQueue("crawl", "c1")).isEqualTo("impetus.stream.crawl.results.c1");
    }

    @Test
    void findsTheStreamOfAJobsQueue() {
        Topology t = new Topology("test-1");
        assertThat(t.streamOfJobsQueue(t.jobsQueue("a.b"))).isEqualTo("a.b");
        assertThat(t.streamOfJobsQueue("impetus.stream.a.jobs")).isNull();
        assertThat(t.streamOfJobsQueue(t.resultsQueue("a", "c"))).isNull();
    }

    @Test
    void jobsQueueArgumentsExplainThemselves() {
        assertThat(Topology.DEFAULT.jobsQueueArguments(10))
                .containsEntry("x-max-priority", 10)
                .containsEntry("x-dead-letter-exchange", "impetus.dead");
    }

    private static StreamProperties quorum(int maxPriority) {
        return StreamProperties.fromMap(Map.of("queueType", "quorum",
                "maxPriority", maxPriority, "maxAttempts", 7));
    }

    @Test
    void aQuorumStreamKeepsItsPrioritiesInAtMostFourBandQueues() {
        Topology t = Topology.DEFAULT;
        var nine = quorum(9);
        assertThat(t.jobsQueues("s", nine)).containsExactly("impetus.stream.s.jobs.p0", "impetus.stream.s.jobs.p1",
                "impetus.stream.s.jobs.p2", "impetus.stream.s.jobs.p3");
        int[] bandOf = new int[10];
        for (int p = 0; p <= 9; p++) {
            bandOf[p] = nine.band(p);
            assertThat(t.jobsQueue("s", nine, p)).isEqualTo("impetus.stream.s.jobs.p" + bandOf[p]);
        }
        assertThat(bandOf).containsExactly(0, 0, 0, 1, 1, 2, 2, 2, 3, 3).as("ordered, every band used");
        assertThat(t.jobsQueue("s", nine, 99)).as("out of range: the top band").endsWith(".p3");
        assertThat(t.jobsQueues("s", quorum(1))).hasSize(2);
        assertThat(t.jobsQueues("s", quorum(255))).hasSize(4);
        assertThat(quorum(255).band(255)).isEqualTo(3);
        assertThat(t.jobsQueueArguments(nine)).containsEntry("x-queue-type", "quorum")
                .containsEntry("x-delivery-limit", 28).containsEntry("x-dead-letter-exchange", "impetus.dead")
                .doesNotContainKey("x-max-priority");
        for (String band : t.jobsQueues("s", nine)) {
            assertThat(t.streamOfJobsQueue(band)).isEqualTo("s");
        }
    }

    @Test
    void aClassicStreamHasOnePriorityQueueAsBefore() {
        Topology t = Topology.DEFAULT;
        var classic = StreamProperties.DEFAULTS;
        assertThat(classic.queueType()).as("unset until the coordinator fills in its default").isNull();
        assertThat(t.jobsQueues("s", classic)).containsExactly("impetus.stream.s.jobs");
        assertThat(t.jobsQueue("s", classic, 9)).isEqualTo("impetus.stream.s.jobs");
        assertThat(t.jobsQueueArguments(classic)).isEqualTo(t.jobsQueueArguments(10));
    }

    @Test
    void queueTypeIsCheckedAndFixedAfterCreate() {
        Assertions.assertThatThrownBy(() -> StreamProperties.fromMap(
                Map.of("queueType", "stream"))).hasMessageContaining("'classic' or 'quorum'");
        assertThat(StreamProperties.FIXED_AFTER_CREATE).contains("queueType");
        assertThat(quorum(9).toMap()).containsEntry("queueType", "quorum");
        assertThat(StreamProperties.fromMap(quorum(9).toMap())).isEqualTo(quorum(9));
    }

    @Test
    void refusesAStreamOrClientIdWhoseQueueNamesWouldPassAmqpsLimitSayingByHowMuch() {
        Topology t = new Topology("p".repeat(56));
        String stream = "s".repeat(100);
        String client = "c".repeat(100);
        Assertions.assertThatThrownBy(() -> t.checkStreamId(stream))
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessageStartingWith("stream id '" + stream + "' is 18 characters too long for the queue prefix")
                .hasMessageContaining("shorten the stream id to at most 82 characters")
                .extracting("property").isEqualTo("stream");
        Assertions.assertThatThrownBy(() -> t.checkClientId(client))
                .hasMessageContaining("shorten the client id to at most 82 characters");
        String fits = "s".repeat(82);
        assertThat(t.checkStreamId(fits)).isEqualTo(fits);
        assertThat(t.checkClientId("c".repeat(82))).hasSize(82);
        assertThat(t.resultsQueue(fits, client)).hasSize(Topology.MAX_NAME_LENGTH); // the longest that fits
        assertThat(Topology.DEFAULT.checkStreamId(stream)).isEqualTo(stream); // a short prefix leaves 100 to each
        Assertions.assertThatThrownBy(() -> t.checkStreamId("a b")).hasMessageContaining("is not valid");
    }
}
