package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.codec.Json;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
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
                        .satisfies(e -> Assertions.assertThat(((RpcException) e).code())
                                .isEqualTo(RpcError.Code.BAD_REQUEST));
            }
        }
    }

    @Test
    void refusesUnboundedPropertiesAndTooLongStreamIdsBeforeDeclaringAnything(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            FakeBroker broker = new FakeBroker();
            Topology topology = new Topology("p".repeat(56));
            ControlHandler h = new ControlHandler(store, new StreamTopology(broker, topology),
                    new NodeRegistry(new SettableClock()), new SettableClock(), (k, s) -> { });
            String longId = "s".repeat(100);
            assertThatThrownBy(() -> h.handle(new ControlRequest.CreateStream(longId, Map.of(), "c")))
                    .isInstanceOf(RpcException.class).hasMessageContaining("shorten the stream id to at most 82")
                    .satisfies(e -> Assertions.assertThat(((RpcException) e).code())
                            .isEqualTo(RpcError.Code.INVALID_PROPERTY));
            Assertions.assertThat(broker.hasQueue(topology.jobsQueue(longId))).isFalse();
            Assertions.assertThat(store.stream(longId)).isEmpty();
            for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("delay", "Infinity"),
                    Map.of("delay", 1e12), Map.of("frequency", Double.POSITIVE_INFINITY), Map.of("timeout", 1e300))) {
                assertThatThrownBy(() -> h.handle(new ControlRequest.CreateStream("s", bad, "c"))).as(bad.toString())
                        .isInstanceOf(RpcException.class).hasMessageContaining("31622400 seconds")
                        .satisfies(e -> Assertions.assertThat(((RpcException) e).code())
                                .isEqualTo(RpcError.Code.INVALID_PROPERTY));
            }
            Assertions.assertThat(broker.hasQueue(topology.jobsQueue("s"))).isFalse();
            h.handle(new ControlRequest.CreateStream("s", Map.of(), "c"));
            assertThatThrownBy(() -> h.handle(new ControlRequest.UpdateStream("s", Map.of("frequency", "Infinity"), "c")))
                    .isInstanceOf(RpcException.class).hasMessageContaining("'frequency'");
            Assertions.assertThat(store.stream("s").orElseThrow().properties().frequency()).isZero();
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
            Assertions.assertThat(store.stream("s").orElseThrow().properties().metadata())
                    .containsEntry("creator", "alice");
            h.handle(new ControlRequest.CloseStream("s", null), true); // the admin
        }
    }

    @Test
    void withAKeyAStateChangingRequestMustBeSignedAndAReadNeedNot() {
        SigningKey key = SigningKey.parse(SigningKey.generate(), "test");
        Clock clock = new SettableClock();
        ControlRequest close = new ControlRequest.CloseStream("s", "alice");
        byte[] json = Json.write(close);
        assertThatThrownBy(() -> RequestSignatures.require(key, close, "id-1", json, null, null, clock))
                .isInstanceOf(RpcException.class).hasMessageStartingWith("signature").hasMessageContaining("not signed");
        Map<String, Object> h = Signatures.controlHeaders(key, "id-1", "close_stream", json, clock);
        String sig = (String) h.get(Topology.SIGNATURE_HEADER);
        String at = (String) h.get(Topology.SIGNED_AT_HEADER);
        RequestSignatures.require(key, close, "id-1", json, sig, at, clock);
        assertThatThrownBy(() -> RequestSignatures.require(key, close, "id-2", json, sig, at, clock))
                .as("another request's").isInstanceOf(RpcException.class);
        RequestSignatures.require(key, new ControlRequest.ListStreams(true), "id-3", new byte[0], null, null, clock);
    }

    @Test
    void aSignedBundleFetchOrPermitRequestReplayedInsideTheFreshnessWindowIsRefusedUnlessTheBrokerRedeliveredIt() {
        SigningKey key = SigningKey.parse(SigningKey.generate(), "test");
        SettableClock clock = new SettableClock();
        ReplayGuard replays = new ReplayGuard(clock);
        for (ControlRequest r : List.of(new ControlRequest.FetchBundle("0".repeat(64)),
                new ControlRequest.AcquirePermits("s", 10))) {
            String type = ControlClient.typeName(r);
            byte[] json = Json.write(r);
            Map<String, Object> h = Signatures.controlHeaders(key, "id", type, json, clock);
            String sig = (String) h.get(Topology.SIGNATURE_HEADER);
            String at = (String) h.get(Topology.SIGNED_AT_HEADER);
            RequestSignatures.require(key, r, "id", json, sig, at, clock, replays, false);
            clock.advance(Duration.ofSeconds(20));
            RequestSignatures.require(key, r, "id", json, sig, at, clock, replays, true); // given back, delivered again
            assertThatThrownBy(() -> RequestSignatures.require(key, r, "id", json, sig, at, clock, replays, false))
                    .as(type + " published again").isInstanceOf(RpcException.class).hasMessageContaining("replayed");
        }
    }

    @Test
    void aNodesBundleFetchAndPermitRequestMustBeSignedAndFresh() {
        SigningKey key = SigningKey.parse(SigningKey.generate(), "test");
        SettableClock clock = new SettableClock();
        for (ControlRequest r : List.of(new ControlRequest.FetchBundle("0".repeat(64)),
                new ControlRequest.AcquirePermits("s", 10))) {
            String type = ControlClient.typeName(r);
            byte[] json = Json.write(r);
            assertThatThrownBy(() -> RequestSignatures.require(key, r, "id", json, null, null, clock)).as(type)
                    .isInstanceOf(RpcException.class).hasMessageContaining("not signed");
            Map<String, Object> h = Signatures.controlHeaders(key, "id", type, json, clock);
            String sig = (String) h.get(Topology.SIGNATURE_HEADER);
            String at = (String) h.get(Topology.SIGNED_AT_HEADER);
            RequestSignatures.require(key, r, "id", json, sig, at, clock);
            SigningKey stranger = SigningKey.parse(SigningKey.generate(), "stranger");
            Map<String, Object> hs = Signatures.controlHeaders(stranger, "id", type, json, clock);
            assertThatThrownBy(() -> RequestSignatures.require(key, r, "id", json, (String) hs.get(Topology.SIGNATURE_HEADER),
                    at, clock)).as(type + " with another key").hasMessageContaining("key id " + stranger.keyId())
                    .hasMessageContaining("Rotating the key");
            SettableClock later = new SettableClock(clock.instant().plus(Duration.ofMinutes(6)));
            assertThatThrownBy(() -> RequestSignatures.require(key, r, "id", json, sig, at, later)).as(type + " replayed")
                    .isInstanceOf(RpcException.class).hasMessageContaining("stale");
        }
    }

    @Test
    void createOnAnExistingStreamFollowsTheCreatorRule(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = new ControlHandler(store, new StreamTopology(new FakeBroker(), new Topology("t")),
                    new NodeRegistry(new SettableClock()), new SettableClock(), (k, s) -> { });
            Caller alicesLogin = new Caller("clients", false);
            h.handle(new ControlRequest.CreateStream("s", Map.of("maxAttempts", 3), "alice"), alicesLogin);
            CreateStreamResult joined = (CreateStreamResult) h.handle(
                    new ControlRequest.CreateStream("s", Map.of("maxAttempts", 9, "maxRate", 1), "bob"), alicesLogin);
            assertThat(joined.changed()).isEmpty();
            assertThat(joined.refused()).contains("maxAttempts", "maxRate");
            assertThat(store.stream("s").orElseThrow().properties().maxAttempts()).as("bob joins, changes nothing")
                    .isEqualTo(3);
            h.handle(new ControlRequest.CloseStream("s", "alice"), alicesLogin);
            assertThatThrownBy(() -> h.handle(new ControlRequest.CreateStream("s", Map.of(), "bob"), alicesLogin))
                    .isInstanceOf(RpcException.class).hasMessageContaining("only it or the admin may reopen it");
            assertThat(store.stream("s").orElseThrow().isOpen()).isFalse();
            Caller otherLogin = new Caller("nodes", false);
            assertThatThrownBy(() -> h.handle(new ControlRequest.CreateStream("s", Map.of(), "alice"), otherLogin))
                    .as("alice's client id from another broker login").isInstanceOf(RpcException.class)
                    .hasMessageContaining("as broker user clients");
            assertThatThrownBy(() -> h.handle(new ControlRequest.UpdateStream("s", Map.of("priority", 2), "alice"),
                    otherLogin)).isInstanceOf(RpcException.class);
            h.handle(new ControlRequest.CreateStream("s", Map.of("maxAttempts", 5), "alice"), alicesLogin);
            StreamInfo reopened = store.stream("s").orElseThrow();
            assertThat(reopened.isOpen()).isTrue();
            assertThat(reopened.properties().maxAttempts()).isEqualTo(5);
            assertThat(reopened.properties().metadata()).containsEntry("creator", "alice")
                    .containsEntry("creator-user", "clients");
        }
    }

    @Test
    void aStreamCreatedWithoutAQueueTypeGetsTheDefaultAndKeepsItsType(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            FakeBroker broker = new FakeBroker();
            Topology t = new Topology("t");
            ControlHandler h = new ControlHandler(store, new StreamTopology(broker, t),
                    new NodeRegistry(new SettableClock()), new SettableClock(), (k, s) -> { },
                    QueueType.QUORUM);
            h.handle(new ControlRequest.CreateStream("q", Map.of("maxPriority", 9)));
            h.handle(new ControlRequest.CreateStream("c", Map.of("queueType", "classic")));
            Assertions.assertThat(store.stream("q").orElseThrow().properties().queueType())
                    .isEqualTo(QueueType.QUORUM);
            for (int band = 0; band < 4; band++) {
                Assertions.assertThat(broker.hasQueue(t.bandQueue("q", band))).isTrue();
            }
            Assertions.assertThat(broker.hasQueue(t.jobsQueue("c"))).isTrue();
            var again = (CreateStreamResult) h.handle(
                    new ControlRequest.CreateStream("q", Map.of("queueType", "classic")));
            Assertions.assertThat(again.refused()).containsExactly("queueType");
            Assertions.assertThat(again.stream().properties().queueType())
                    .isEqualTo(QueueType.QUORUM);
        }
    }
}
