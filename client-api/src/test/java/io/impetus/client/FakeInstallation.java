package io.impetus.client;

import io.impetus.core.broker.QueueSpec;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A coordinator and a node played on a {@link FakeBroker} for client tests: the coordinator
 * answers create, register and close; {@link #jobsSent()} are the jobs the client published and
 * {@link #answer} hands a job's result to the client's results queue.
 */
public final class FakeInstallation {
    public final FakeBroker broker = new FakeBroker();
    public final ConnectionSettings settings = ConnectionSettings.defaults();
    public final Topology topology = settings.topology();
    private final WireCodec wire = WireCodec.standard();
    /** The cancel requests the coordinator got. */
    public final List<ControlRequest.CancelJobs> cancels = new CopyOnWriteArrayList<>();
    /** Whether the coordinator refuses fork_after (an input of another stream). */
    public volatile boolean refuseForkAfter;
    /** The fork_after requests the coordinator held. */
    public final List<ControlRequest.ForkAfter> forkAfters = new CopyOnWriteArrayList<>();
    /** Whether the coordinator refuses cancels (the client is not the stream's creator). */
    public volatile boolean refuseCancels;

    public FakeInstallation() {
        broker.declareQueue(QueueSpec.durable(topology.delayedQueue()));
        broker.onControl(r -> {
            if (r instanceof ControlRequest.CreateStream c) {
                new TopologyDeclarer(broker, topology).declareStream(c.stream(), StreamProperties.DEFAULTS);
                return new CreateStreamResult(info(c.stream()), true, List.of(), List.of());
            }
            if (r instanceof ControlRequest.GetStream g) {
                return info(g.stream());
            }
            if (r instanceof ControlRequest.CloseStream c) {
                return info(c.stream());
            }
            if (r instanceof ControlRequest.ForkAfter f) {
                if (refuseForkAfter) {
                    throw new RpcException(RpcError.of(
                            RpcError.Code.BAD_REQUEST, "fork_after " + f.job().id()
                                    + ": input refused is a job of stream 'other'; nothing was forked"));
                }
                forkAfters.add(f);
                return f.job().id();
            }
            if (r instanceof ControlRequest.CancelJobs c) {
                cancels.add(c);
                if (refuseCancels) {
                    throw new RpcException(RpcError.of(
                            RpcError.Code.FORBIDDEN, "stream '" + c.stream()
                                    + "' was created by client someone-else; only it or the admin may cancel jobs of it"));
                }
                return new JobCancel(c.stream(), c.job(), Instant.EPOCH, "client " + c.client());
            }
            return "ok";
        });
    }

    private static StreamInfo info(String stream) {
        return new StreamInfo(stream, StreamProperties.DEFAULTS, StreamInfo.State.OPEN, Instant.EPOCH, null);
    }

    /** Every job the client published to a jobs queue, in order (a job sent twice is here twice). */
    public List<JobEnvelope> jobsSent() {
        return broker.published().stream().filter(m -> m.exchange().isEmpty() && m.routingKey().endsWith(".jobs"))
                .map(m -> Json.read(wire.decode(m.body(), m.contentEncoding()), JobEnvelope.class)).toList();
    }

    /** Delivers {@code job}'s result ({@code job.args()} back, ready) to its client's results queue. */
    public FakeDelivery answer(JobEnvelope job) {
        JobEnvelope result = job.startedBy("fake-node", 1).finished(JobStatus.READY, job.args());
        WireCodec.Encoded body = wire.encode(Json.write(result));
        return broker.deliver(topology.resultsQueue(job.stream(), job.client()),
                FakeBroker.message(body.body(), body.contentEncoding(), job.id()));
    }

    /** Whether the client consumes its results queue on {@code stream}. */
    public boolean consuming(String stream, String client) {
        return broker.activeConsumers(topology.resultsQueue(stream, client)) > 0;
    }

    /** The declared arguments of {@code queue}. */
    public Map<String, Object> arguments(String queue) {
        return broker.arguments(queue);
    }
}
