package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.codec.TaskFileLine;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task file whose last write was cut short (a full disk) is readable again and appended to cleanly. */
class TornTaskFileTest {

    private static JobEnvelope done(String id) {
        return JobEnvelope.builder().id(id).stream("s").client("c").name("f").callback("stage1").build()
                .startedBy("n", 1).finished(JobStatus.READY, IntNode.valueOf(1));
    }

    @Test
    void aTornLastLineIsCutOffSoARerunReadsTheFileAndItsNextLineStandsAlone(@TempDir Path tasks) throws Exception {
        try (TaskFiles files = new TaskFiles(tasks, "c", List.of("stage1"))) {
            files.append("stage1", List.of(done("a"), done("b")));
        }
        Path ok = tasks.resolve("c").resolve("stage1.ok");
        String torn = TaskFileLine.encode(done("x"));
        Files.writeString(ok, torn.substring(0, torn.length() / 2), StandardCharsets.US_ASCII, StandardOpenOption.APPEND);

        try (TaskFiles files = new TaskFiles(tasks, "c", List.of("stage1"))) {
            assertThat(TaskFiles.deliveredIds(tasks, "c")).containsExactlyInAnyOrder("a", "b");
            files.append("stage1", List.of(done("x")));
        }
        assertThat(TaskFiles.deliveredIds(tasks, "c")).containsExactlyInAnyOrder("a", "b", "x");
        assertThat(Files.readAllLines(ok)).hasSize(3);
    }
}
