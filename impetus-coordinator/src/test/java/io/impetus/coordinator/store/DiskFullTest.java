package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

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
}
