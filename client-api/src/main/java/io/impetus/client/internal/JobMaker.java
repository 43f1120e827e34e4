package io.impetus.client.internal;

import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.Signatures;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the job a {@link ForkRequest} asks for, in a stream open here: its priority and delay
 * within the stream's, its code bundle built and registered with the coordinator on first use per
 * stream, signed where there is a key. Sends nothing. Thread-safe.
 */
final class JobMaker {
    private final SessionState state;
    private final Map<String, byte[]> extraJars;
    private final Map<Class<?>, CodeBundle> bundles = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    JobMaker(SessionState state, Map<String, byte[]> extraJars) {
        this.state = state;
        this.extraJars = extraJars;
    }

    JobEnvelope make(ForkRequest r) {
        StreamInfo info = state.stream(r.stream());
        CodeBundle bundle = bundles.computeIfAbsent(r.function().declaring(), c -> BundleBuilder.build(c, extraJars));
        if (registered.add(r.stream() + "/" + bundle.id())) {
            try {
                state.control().call(new ControlRequest.RegisterBundle(r.stream(), bundle.id(), bundle.toZip()),
                        String.class);
            } catch (RuntimeException e) {
                registered.remove(r.stream() + "/" + bundle.id());
                throw e;
            }
        }
        int p = r.priority() == null ? info.properties().priority() : Math.min(r.priority(), info.properties().maxPriority());
        double d = r.delay() == null ? info.properties().delay() : r.delay().getSeconds() + r.delay().getNano() / 1e9;
        JobEnvelope job = JobEnvelope.builder().id(r.id() != null ? r.id() : UUID.randomUUID().toString()).stream(r.stream())
                .client(state.clientId()).name(r.function().name()).function(r.function().id()).args(Json.tree(r.arg()))
                .code(bundle.id()).callback(r.callback()).priority(p).delay(d)
                .status(d > 0 ? JobStatus.DELAYED : JobStatus.WAITING).created(state.clock().instant())
                .transport(r.awaited() ? JobEnvelope.AWAITED : null).build();
        return state.signingKey() == null ? job : Signatures.signJob(state.signingKey(), job);
    }
}
