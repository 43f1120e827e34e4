package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NodeCommandTest {
    @Test
    void aRefusedOptionIsReportedUnderItsOwnFieldNotAlwaysMpps() {
        assertThat(NodeCommand.fieldOf("jobsPerWorker must be between 1 and 1000, was 0: set --jobs-per-worker"))
                .isEqualTo("jobsPerWorker");
        assertThat(NodeCommand.fieldOf("mpps (max processes per stream) must be between 1 and 1000, was 0"))
                .isEqualTo("mpps");
        assertThat(NodeCommand.fieldOf(" odd message")).isEqualTo("node");
    }

    @Test
    void inProcessIsOffUnlessTheFlagIsGiven() {
        NodeCommand off = new NodeCommand();
        new CommandLine(off).parseArgs("foreground");
        assertThat(off.inProcess).isFalse();
        NodeCommand on = new NodeCommand();
        new CommandLine(on).parseArgs("foreground", "--in-process");
        assertThat(on.inProcess).isTrue();
    }

    @Test
    void oneWarmWorkerAndNoSharingBetweenClientsUnlessGiven() {
        NodeCommand defaults = new NodeCommand();
        new CommandLine(defaults).parseArgs("foreground");
        assertThat(defaults.warmWorkers).isEqualTo(1);
        assertThat(defaults.shareWorkersByUser).isFalse();
        NodeCommand given = new NodeCommand();
        new CommandLine(given).parseArgs("foreground", "--warm-workers", "0", "--share-workers-by-user");
        assertThat(given.warmWorkers).isZero();
        assertThat(given.shareWorkersByUser).isTrue();
    }
}
