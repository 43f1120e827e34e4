package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.ListedTopology;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's topology steps — DeclareSharedTopology, RedeclareStreams, RemoveDrainedStreams — on a fake broker,
 * the H2 store and a settable clock, each stepped by hand, standby and active.
 */
class UpkeepStepsTest {
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock();
    private final AtomicBoolean active = new AtomicBoolean();
    private final StreamTopology streams = new StreamTopology(broker, topology);
    private final String eventsQueue = topology.eventsQueue("coordinator", "1");
    private final DeclareSharedTopology shared = new DeclareSharedTopology(streams, broker, topology, QueueType.CLASSIC,
            eventsQueue);
    private CoordinatorStore store;

    @BeforeEach
    void open(@TempDir Path dir) {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private StreamInfo stream(String id, StreamInfo.State state) {
        StreamInfo s = new StreamInfo(id, StreamProperties.fromMap(Map.of()), state, clock.instant(),
                state == StreamInfo.State.OPEN ? null : clock.instant());
        store.saveStream(s);
        return s;
    }

    @Test
    void theSharedTopologyAndThisCoordinatorsEventsQueueComeBackAfterBeingDeletedByHand() {
        shared.runOnce();
        assertThat(broker.hasQueue(topology.controlQueue())).isTrue();
        assertThat(broker.hasQueue(eventsQueue)).isTrue();
        broker.deleteQueueByHand(topology.controlQueue());
        broker.deleteQueueByHand(eventsQueue);
        shared.runOnce();
        assertThat(broker.hasQueue(topology.controlQueue())).isTrue();
        assertThat(broker.hasQueue(eventsQueue)).isTrue();
    }

    @Test
    void onlyTheActiveCoordinatorDeclaresAMissingJobsQueueAgain() {
        StreamInfo s = stream("s", StreamInfo.State.OPEN);
        RedeclareStreams redeclare = new RedeclareStreams(store, streams, shared, Optional::empty, active::get);
        String queue = topology.jobsQueues(s.id(), s.properties()).get(0);
        assertThat(redeclare.runOnce()).isZero();
        assertThat(broker.hasQueue(queue)).as("a standby tends no stream").isFalse();
        active.set(true);
        assertThat(redeclare.runOnce()).isEqualTo(1);
        assertThat(broker.hasQueue(queue)).isTrue();
        assertThat(redeclare.runOnce()).as("there now").isZero();
    }

    @Test
    void theStreamsTheManagementApiListsWholeAreNotAskedOfTheBroker() {
        StreamInfo s = stream("s", StreamInfo.State.OPEN);
        String queue = topology.jobsQueues(s.id(), s.properties()).get(0);
        String exchange = topology.resultsExchange(s.id());
        AtomicReference<Optional<ListedTopology>> listed = new AtomicReference<>(
                Optional.of(new ListedTopology(Set.of(queue), Set.of(exchange))));
        RedeclareStreams redeclare = new RedeclareStreams(store, streams, shared, listed::get, active::get);
        active.set(true);
        // the broker lacks them, but the listing shows them: the pass believes it and makes no call for the stream
        assertThat(redeclare.runOnce()).isZero();
        assertThat(broker.hasQueue(queue)).isFalse();
        assertThat(broker.hasExchange(exchange)).isFalse();

        listed.set(Optional.of(new ListedTopology(Set.of(), Set.of(exchange))));
        assertThat(redeclare.runOnce()).as("its jobs queue not listed: the broker is asked").isEqualTo(1);
        assertThat(broker.hasQueue(queue)).isTrue();
        assertThat(broker.publishedTo(exchange)).as("its clients told").hasSize(1);

        broker.deleteExchangeByHand(exchange);
        listed.set(Optional.of(new ListedTopology(Set.of(queue), Set.of())));
        assertThat(redeclare.runOnce()).as("only its exchange was missing").isZero();
        assertThat(broker.hasExchange(exchange)).isTrue();

        broker.deleteQueueByHand(queue);
        listed.set(Optional.empty());
        assertThat(redeclare.runOnce()).as("no listing: every stream asked of the broker").isEqualTo(1);
        assertThat(broker.hasQueue(queue)).isTrue();
    }

    @Test
    void aListingWrongForGoodHidesAMissingQueueForAtMostAskEveryPasses() {
        StreamInfo s = stream("s", StreamInfo.State.OPEN);
        String queue = topology.jobsQueues(s.id(), s.properties()).get(0);
        String exchange = topology.resultsExchange(s.id());
        // say, the management API of another cluster: it always shows the stream whole, which it is not
        Optional<ListedTopology> stale = Optional.of(new ListedTopology(Set.of(queue), Set.of(exchange)));
        RedeclareStreams redeclare = new RedeclareStreams(store, streams, shared, () -> stale, active::get);
        active.set(true);
        int passes = 0;
        while (!broker.hasQueue(queue) && passes < 2 * RedeclareStreams.ASK_EVERY) {
            redeclare.runOnce();
            passes++;
        }
        assertThat(passes).as("the broker asked every %d passes", RedeclareStreams.ASK_EVERY)
                .isEqualTo(RedeclareStreams.ASK_EVERY);
        assertThat(broker.hasExchange(exchange)).isTrue();
    }

    @Test
    void aStreamMadeAfterTheListingIsAskedOfTheBrokerWhichFindsItThere() {
        StreamInfo s = stream("new", StreamInfo.State.OPEN);
        streams.declareStream(s.id(), s.properties());
        RedeclareStreams redeclare = new RedeclareStreams(store, streams, shared,
                () -> Optional.of(new ListedTopology(Set.of(), Set.of())), active::get);
        active.set(true);
        assertThat(redeclare.runOnce()).isZero();
        assertThat(broker.publishedTo(topology.resultsExchange(s.id()))).as("no client told of a loss").isEmpty();
    }

    @Test
    void afterARecoveryEveryStreamIsAskedOfTheBrokerWhateverTheListingSays() {
        StreamInfo s = stream("s", StreamInfo.State.OPEN);
        String queue = topology.jobsQueues(s.id(), s.properties()).get(0);
        RedeclareStreams redeclare = new RedeclareStreams(store, streams, shared,
                () -> Optional.of(new ListedTopology(Set.of(queue), Set.of(topology.resultsExchange(s.id())))),
                active::get);
        assertThat(redeclare.declareEach()).isEqualTo(1);
        assertThat(broker.hasQueue(queue)).isTrue();
    }

    @Test
    void aClosedDrainedStreamLosesItsQueuesOnceWhileActiveAndAgainAfterBeingReopenedAndClosed() {
        StreamInfo s = stream("done", StreamInfo.State.CLOSED);
        streams.declareStream(s.id(), s.properties());
        String queue = topology.jobsQueues(s.id(), s.properties()).get(0);
        RemoveDrainedStreams remove = new RemoveDrainedStreams(store, store, streams, active::get);
        assertThat(remove.runOnce()).isZero();
        assertThat(broker.hasQueue(queue)).isTrue();
        active.set(true);
        assertThat(remove.runOnce()).isEqualTo(1);
        assertThat(broker.hasQueue(queue)).isFalse();
        assertThat(remove.runOnce()).as("removed once").isZero();

        stream("done", StreamInfo.State.OPEN);
        streams.declareStream(s.id(), s.properties());
        remove.reopened("done");
        stream("done", StreamInfo.State.CLOSED);
        assertThat(remove.runOnce()).isEqualTo(1);
        assertThat(broker.hasQueue(queue)).isFalse();
    }

    @Test
    void aClosedStreamWithAConsumerKeepsItsQueues() {
        StreamInfo s = stream("busy", StreamInfo.State.CLOSED);
        streams.declareStream(s.id(), s.properties());
        String queue = topology.jobsQueues(s.id(), s.properties()).get(0);
        broker.consume(queue, 1, d -> { }, () -> { }); // a node still works on it
        active.set(true);
        assertThat(new RemoveDrainedStreams(store, store, streams, active::get).runOnce()).isZero();
        assertThat(broker.hasQueue(queue)).isTrue();
    }
}
