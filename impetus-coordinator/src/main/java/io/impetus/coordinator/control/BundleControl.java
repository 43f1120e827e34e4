package io.impetus.coordinator.control;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.error.CodecException;
import io.impetus.core.rpc.BundleData;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import java.time.Clock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers and hands out code bundles for {@link ControlHandler}: a zip checked whole, kept by its hash. */
final class BundleControl {
    private static final Logger log = LoggerFactory.getLogger(BundleControl.class);
    private static final Pattern BUNDLE_ID = Pattern.compile("[0-9a-f]{64}");

    private final CoordinatorStore store;
    private final StreamControl streams;
    private final Clock clock;

    BundleControl(CoordinatorStore store, StreamControl streams, Clock clock) {
        this.store = store;
        this.streams = streams;
        this.clock = clock;
    }

    String register(ControlRequest.RegisterBundle r) {
        if (r.zip() == null || r.bundleId() == null || !BUNDLE_ID.matcher(r.bundleId()).matches()) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST,
                    "register_bundle needs a bundleId (64 hex digits) and the zip"));
        }
        try {
            CodeBundle bundle = CodeBundle.fromZip(r.zip(), r.bundleId());
            if (r.stream() != null) {
                streams.existing(StreamControl.checkedId(r.stream()));
            }
            store.saveBundle(bundle.id(), r.zip(), clock.instant());
            log.info("registered code bundle {} ({} entries) for stream {}", bundle.id().substring(0, 12),
                    bundle.size(), r.stream());
            return bundle.id();
        } catch (CodecException e) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "code bundle refused: " + e.getMessage()));
        }
    }

    BundleData fetch(ControlRequest.FetchBundle r) {
        if (r.bundleId() == null || !BUNDLE_ID.matcher(r.bundleId()).matches()) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "fetch_bundle needs a bundleId (64 hex digits)"));
        }
        return store.bundle(r.bundleId()).map(zip -> new BundleData(r.bundleId(), zip))
                .orElseThrow(() -> new RpcException(RpcError.of(RpcError.Code.UNKNOWN_BUNDLE,
                        "no code bundle " + r.bundleId() + " is registered")));
    }
}
