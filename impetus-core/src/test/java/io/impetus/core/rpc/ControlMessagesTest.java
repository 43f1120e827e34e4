package io.impetus.core.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.codec.Json;
import io.impetus.core.error.CodecException;
import io.impetus.core.stream.StreamProperties;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class ControlMessagesTest {

    @Test
    void requestsCarryTheirTypeOnTheWire() throws Exception {
        ControlRequest create = new ControlRequest.CreateStream("s1", Map.of("maxRate", 20));
        byte[] json = Json.write(create);
        assertThat(Json.mapper().readTree(json).get("type").asText()).isEqualTo("create_stream");
        assertThat(Json.read(json, ControlRequest.class)).isEqualTo(create);

        ControlRequest register = new ControlRequest.RegisterBundle("s1", "abc", new byte[] {1, 2, 3});
        ControlRequest back = Json.read(Json.write(register), ControlRequest.class);
        assertThat(((ControlRequest.RegisterBundle) back).zip()).containsExactly(1, 2, 3);
        assertThat(ControlClient.typeName(register)).isEqualTo("register_bundle");
    }

    @Test
    void repliesAreTypedBodiesOrTypedErrors() {
        StreamInfo info = new StreamInfo("s1", StreamProperties.DEFAULTS, StreamInfo.State.OPEN,
                Instant.parse("2026-01-01T00:00:00Z"), null);
        ControlReply ok = Json.read(Json.write(ControlReply.success("r1", info)), ControlReply.class);
        assertThat(ok.bodyAs(StreamInfo.class)).isEqualTo(info);

        ControlReply failed = Json.read(Json.write(ControlReply.failure("r2",
                RpcError.of(RpcError.Code.UNKNOWN_STREAM, "no stream 'x'"))), ControlReply.class);
        assertThatThrownBy(() -> failed.bodyAs(StreamInfo.class))
                .isInstanceOf(RpcException.class)
                .hasMessage("no stream 'x'")
                .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.UNKNOWN_STREAM));
    }

    @Test
    void nodeStatusAddsUpItsWorkers() {
        NodeStatus s = new NodeStatus("n1", "h", 1, 5, Map.of("a", new NodeStatus.StreamLoad(3, 2),
                "b", new NodeStatus.StreamLoad(1, 0)), Instant.EPOCH, Instant.EPOCH, false, false, Instant.EPOCH);
        assertThat(s.totalWorkers()).isEqualTo(4);
        assertThat(s.busyWorkers()).isEqualTo(2);
        assertThat(Json.read(Json.write(s), NodeStatus.class)).isEqualTo(s);
    }

    @Test
    void emptyOrMalformedEventsAreRefusedByTheirChecks() {
        Assertions.assertThatThrownBy(() -> StreamInfo.checked(Json.read("{}".getBytes(), StreamInfo.class)))
                .isInstanceOf(CodecException.class);
        Assertions.assertThatThrownBy(() -> NodeStatus.checked(Json.read("{}".getBytes(), NodeStatus.class)))
                .isInstanceOf(CodecException.class);
        Assertions.assertThatThrownBy(() -> ScalerReport.checked(Json.read("{}".getBytes(), ScalerReport.class)))
                .isInstanceOf(CodecException.class);
        NodeStatus ok = new NodeStatus("n1", "h", 1, 5, Map.of(), Instant.EPOCH, Instant.EPOCH, false, false, Instant.EPOCH);
        assertThat(NodeStatus.checked(ok)).isSameAs(ok);
    }
}
