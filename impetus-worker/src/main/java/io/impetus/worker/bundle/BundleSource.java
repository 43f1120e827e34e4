package io.impetus.worker.bundle;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Where a node gets code bundles: the {@link BundleCache} in production, a fake in unit tests. */
@FunctionalInterface
public interface BundleSource {
    /** The zip of bundle {@code id} on disk, fetched first if need be. */
    CompletableFuture<Path> path(String id);
}
