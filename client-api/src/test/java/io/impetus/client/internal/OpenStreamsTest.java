package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.client.FakeInstallation;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.TopologyDeclarer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many streams opened together: every one created as alone, subscribed, and a refusal reported. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OpenStreamsTest {
    private final FakeInstallation fake = new FakeInstallation();
    private final List<ControlRequest.CreateStream> asked = new CopyOnWriteArrayList<>();
    private ClientSession session;

    private ClientSession open() {
        fake.broker.onControl(r -> {
            ControlRequest.CreateStream c = (ControlRequest.CreateStream) r;
            asked.add(c);
            if (c.stream().startsWith("theirs")) {
                throw new RpcException(RpcError.of(RpcError.Code.FORBIDDEN, "stream " + c.stream() + " is not yours"));
            }
            new TopologyDeclarer(fake.broker, fake.topology).declareStream(c.stream(), StreamProperties.DEFAULTS);
            return new CreateStreamResult(new StreamInfo(c.stream(), StreamProperties.DEFAULTS, StreamInfo.State.OPEN,
                    Instant.EPOCH, null), true, List.of(), List.of());
        });
        session = new ClientSession(new SessionOptions(fake.settings, "c1", Map.of(), Clock.systemUTC(), null, 100,
                new SimpleMeterRegistry(), null, Duration.ofDays(7)), fake.broker);
        return session;
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void everyStreamIsCreatedByItsOwnRequestAndItsResultsConsumed() {
        List<String> ids = IntStream.range(0, ClientSession.CREATE_PIPELINE * 2 + 3).mapToObj(i -> "site-" + i).toList();

        List<StreamInfo> opened = open().openStreams(ids, Map.of("maxAttempts", 2), new FutureResults());

        assertThat(opened).extracting(StreamInfo::id).containsExactlyElementsOf(ids);
        assertThat(asked).extracting(ControlRequest.CreateStream::stream).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(asked).allSatisfy(c -> {
            assertThat(c.client()).isEqualTo("c1");
            assertThat(c.properties()).containsEntry("maxAttempts", 2);
        });
        assertThat(ids).allSatisfy(id -> assertThat(fake.consuming(id, "c1")).as(id).isTrue());
    }

    @Test
    void aRefusedStreamIsThrownAfterTheOthersInFlightAreOpen() {
        List<String> ids = List.of("mine-1", "theirs-2", "mine-3");

        assertThatThrownBy(() -> open().openStreams(ids, Map.of(), new FutureResults()))
                .isInstanceOf(RpcException.class).hasMessageContaining("theirs-2 is not yours");

        assertThat(fake.consuming("mine-1", "c1")).isTrue();
        assertThat(fake.consuming("mine-3", "c1")).isTrue(); // sent before the refusal came back
        assertThat(fake.consuming("theirs-2", "c1")).isFalse();
    }

    @Test
    void theSameIdTwiceInOneCallIsConsumedOnce() {
        List<StreamInfo> opened = open().openStreams(List.of("a", "b", "a"), Map.of(), new FutureResults());

        assertThat(opened).extracting(StreamInfo::id).containsExactly("a", "b", "a");
        assertThat(fake.broker.activeConsumers(fake.topology.resultsQueue("a", "c1"))).isEqualTo(1);
        assertThat(fake.broker.activeConsumers(fake.topology.resultsQueue("b", "c1"))).isEqualTo(1);
    }

    @Test
    void aResultsExchangeMissingAtOpenIsDeclaredAgainByTheClient() {
        ClientSession s = open();
        fake.broker.onControl(r -> { // a coordinator whose exchange was deleted by hand since it declared it
            ControlRequest.CreateStream c = (ControlRequest.CreateStream) r;
            return new CreateStreamResult(new StreamInfo(c.stream(), StreamProperties.DEFAULTS, StreamInfo.State.OPEN,
                    Instant.EPOCH, null), false, List.of(), List.of());
        });

        s.openStreams(List.of("gone-exchange"), Map.of(), new FutureResults());

        assertThat(fake.broker.hasExchange(fake.topology.resultsExchange("gone-exchange"))).isTrue();
        assertThat(fake.consuming("gone-exchange", "c1")).isTrue();
    }

    @Test
    void aStreamThatCannotBeSubscribedIsThrownAfterTheOthersAreSubscribed() {
        ClientSession s = open();
        fake.broker.onControl(r -> {
            ControlRequest.CreateStream c = (ControlRequest.CreateStream) r;
            new TopologyDeclarer(fake.broker, fake.topology).declareStream(c.stream(), StreamProperties.DEFAULTS);
            StreamInfo info = c.stream().equals("odd-1") ? null // an answer its subscribing cannot use
                    : new StreamInfo(c.stream(), StreamProperties.DEFAULTS, StreamInfo.State.OPEN, Instant.EPOCH, null);
            return new CreateStreamResult(info, true, List.of(), List.of());
        });

        assertThatThrownBy(() -> s.openStreams(List.of("ok-0", "odd-1", "ok-2"), Map.of(), new FutureResults()))
                .isInstanceOf(ImpetusException.class).hasMessageStartingWith("cannot receive the results of stream 'odd-1': ");

        assertThat(fake.consuming("ok-0", "c1")).isTrue();
        assertThat(fake.consuming("odd-1", "c1")).isFalse();
    }
}
