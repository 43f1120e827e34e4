package io.impetus.coordinator.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The schedule contract on the embedded H2 file. */
class H2ScheduleStoreTest extends ScheduleStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CoordinatorStore openEmpty() {
        return CoordinatorStore.open("h2", dir, CoordinatorStore.DEFAULT_SCOPE, db);
    }
}
