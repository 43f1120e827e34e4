package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk is told apart from other store failures by the cause the operating system gave. */
class DiskFullTest {

    @Test
    void anH2FailureCausedByNoSpaceLeftIsAFullDisk() {
        SQLException h2 = new SQLException("General error: \"org.h2.mvstore.MVStoreException: Writing to ... failed\"",
                "HY000", 50000, new RuntimeException("Writing failed", new IOException("No space left on device")));
        assertThat(DiskFull.cause(h2)).isEqualTo("No space left on device");
    }

    @Test
    void postgresDiskFullStateIsAFullDisk() {
        assertThat(DiskFull.cause(new SQLException("could not extend file", "53100"))).contains("disk is full");
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(DiskFull.cause(new SQLException("Table \"T\" not found", "42S04"))).isNull();
        assertThat(DiskFull.cause(new SQLException("connection refused", "08001", new IOException("Connection refused"))))
                .isNull();
        assertThat(DiskFull.cause(new SQLException("a user's own words", "22000",
                new IllegalArgumentException("No space left on device")))).as("only an I/O or H2 cause counts").isNull();
    }

    @Test
    void h2sAlreadyInUseWhileItsDiskIsFullIsThatFullDisk() {
        DiskFull disk = new DiskFull(null);
        SQLException inUse = new SQLException("Database may be already in use: \"/data/impetus.mv.db\"", "90020", 90020);
        assertThat(DiskFull.cause(disk.explain(inUse, true))).as("before any write failed: another coordinator")
                .isNull();
        disk.failed("H2 file", "create stream", "No space left on device");
        assertThat(DiskFull.cause(disk.explain(inUse, true))).isEqualTo("No space left on device");
        assertThat(DiskFull.cause(disk.explain(inUse, false))).as("PostgreSQL says no such thing").isNull();
        disk.written("H2 file");
        assertThat(DiskFull.cause(disk.explain(inUse, true))).as("written again: not the full disk any more").isNull();
    }

    @Test
    void anH2FileFoundFullIsNotOpenedAgainUntilItsDiskHasSpace(@TempDir Path dir) throws SQLException {
        DiskFull roomy = new DiskFull(dir, 1);
        DiskFull cramped = new DiskFull(dir, Long.MAX_VALUE); // stands for a disk with less free than that
        cramped.checkSpace(); // nothing failed yet: no look at the disk
        roomy.failed("H2 file", "create stream", "No space left on device");
        cramped.failed("H2 file", "create stream", "No space left on device");
        roomy.checkSpace();
        assertThatThrownBy(cramped::checkSpace).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(DiskFull.cause(e)).isEqualTo("No space left on device"));
        cramped.written("H2 file");
        cramped.checkSpace();
        new DiskFull(null, Long.MAX_VALUE).checkSpace(); // a server's disk is not looked at
    }
}
