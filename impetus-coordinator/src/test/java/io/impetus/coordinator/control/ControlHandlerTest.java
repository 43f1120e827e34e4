package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed control requests get a typed BAD_REQUEST, never an internal error. */
class ControlHandlerTest {

    @Test
    void malformedRequestsAreRefusedAsBadRequests(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = new ControlHandler(store, new StreamTopology(new FakeBroker(), new Topology("t")),
                    new NodeRegistry(new SettableClock()), new SettableClock(), (k, s) -> { });
            for (ControlRequest bad : new ControlRequest[] {
                    null,
                    new ControlRequest.CreateStream(null, Map.of()),
                    new ControlRequest.CreateStream("has space", Map.of()),
                    new ControlRequest.RegisterBundle("s", null, null),
                    new ControlRequest.RegisterBundle("s", "0".repeat(64), new byte[] {1, 2}),
                    new ControlRequest.FetchBundle(null),
                    new ControlRequest.FetchBundle("../x"),
                    new ControlRequest.AcquirePermits("s", -1),
                    new ControlRequest.AcquirePermits("s", Integer.MAX_VALUE)}) {
                assertThatThrownBy(() -> h.handle(bad)).as(String.valueOf(bad)).isInstanceOf(RpcException.class)
                        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((RpcException) e).code())
                                .isEqualTo(RpcError.Code.BAD_REQUEST));
            }
        }
    }

    @Test
    void aStreamMayBeChangedOrClosedOnlyByItsCreatorOrTheAdmin(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = new ControlHandler(store, new StreamTopology(new FakeBroker(), new Topology("t")),
                    new NodeRegistry(new SettableClock()), new SettableClock(), (k, s) -> { });
            h.handle(new ControlRequest.CreateStream("s", Map.of("creator", "forged"), "alice"));
            assertThatThrownBy(() -> h.handle(new ControlRequest.UpdateStream("s", Map.of("priority", 2), "bob")))
                    .isInstanceOf(RpcException.class).hasMessageContaining("created by client alice");
            assertThatThrownBy(() -> h.handle(new ControlRequest.CloseStream("s", null)))
                    .isInstanceOf(RpcException.class).hasMessageContaining("only it or the admin");
            h.handle(new ControlRequest.UpdateStream("s", Map.of("priority", 2, "creator", "bob"), "alice"));
            h.handle(new ControlRequest.CreateStream("s", Map.of(), "bob")); // joining a stream is not changing it
            org.assertj.core.api.Assertions.assertThat(store.stream("s").orElseThrow().properties().metadata())
                    .containsEntry("creator", "alice");
            h.handle(new ControlRequest.CloseStream("s", null), true); // the admin
        }
    }

    @Test
    void withAKeyAStateChangingRequestMustBeSignedAndAReadNeedNot() {
        io.impetus.core.security.SigningKey key = io.impetus.core.security.SigningKey.parse(
                io.impetus.core.security.SigningKey.generate(), "test");
        ControlRequest close = new ControlRequest.CloseStream("s", "alice");
        byte[] json = io.impetus.core.codec.Json.write(close);
        assertThatThrownBy(() -> ControlHandler.requireSignature(key, close, "id-1", json, null))
                .isInstanceOf(RpcException.class).hasMessageStartingWith("signature");
        String sig = io.impetus.core.security.Signatures.signControl(key, "id-1", "close_stream", json);
        ControlHandler.requireSignature(key, close, "id-1", json, sig);
        assertThatThrownBy(() -> ControlHandler.requireSignature(key, close, "id-2", json, sig)).as("another request's")
                .isInstanceOf(RpcException.class);
        ControlHandler.requireSignature(key, new ControlRequest.ListStreams(true), "id-3", new byte[0], null);
    }

    @Test
    void aStreamCreatedWithoutAQueueTypeGetsTheDefaultAndKeepsItsType(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            FakeBroker broker = new FakeBroker();
            Topology t = new Topology("t");
            ControlHandler h = new ControlHandler(store, new StreamTopology(broker, t),
                    new NodeRegistry(new SettableClock()), new SettableClock(), (k, s) -> { },
                    io.impetus.core.stream.QueueType.QUORUM);
            h.handle(new ControlRequest.CreateStream("q", Map.of("maxPriority", 9)));
            h.handle(new ControlRequest.CreateStream("c", Map.of("queueType", "classic")));
            org.assertj.core.api.Assertions.assertThat(store.stream("q").orElseThrow().properties().queueType())
                    .isEqualTo(io.impetus.core.stream.QueueType.QUORUM);
            for (int band = 0; band < 4; band++) {
                org.assertj.core.api.Assertions.assertThat(broker.hasQueue(t.bandQueue("q", band))).isTrue();
            }
            org.assertj.core.api.Assertions.assertThat(broker.hasQueue(t.jobsQueue("c"))).isTrue();
            var again = (io.impetus.core.rpc.CreateStreamResult) h.handle(
                    new ControlRequest.CreateStream("q", Map.of("queueType", "classic")));
            org.assertj.core.api.Assertions.assertThat(again.refused()).containsExactly("queueType");
            org.assertj.core.api.Assertions.assertThat(again.stream().properties().queueType())
                    .isEqualTo(io.impetus.core.stream.QueueType.QUORUM);
        }
    }
}
