package io.impetus.coordinator.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The cancel contract on the embedded H2 file. */
class H2CancelStoreTest extends CancelStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CoordinatorStore openEmpty() {
        return reopen(CoordinatorStore.DEFAULT_SCOPE);
    }

    @Override
    protected CoordinatorStore reopen(String scope) {
        return CoordinatorStore.open("h2", dir, scope, db);
    }
}
