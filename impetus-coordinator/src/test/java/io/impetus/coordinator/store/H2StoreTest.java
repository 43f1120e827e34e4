package io.impetus.coordinator.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 file. */
class H2StoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    protected CoordinatorStore openEmpty() {
        return CoordinatorStore.open(dir);
    }

    @Override
    protected CoordinatorStore reopen() {
        return CoordinatorStore.open("h2", dir);
    }
}
