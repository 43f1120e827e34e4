package io.impetus.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

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
}
