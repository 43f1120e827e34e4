package io.impetus.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed compatibility of task-file lines, proven against tools outside Java. */
class TaskFileLineTest {

    static JobEnvelope readyJob() {
        return JobEnvelope.builder().id("job-1").stream("s").client("c").name("pow").args(Json.tree(31))
                .code("abc").callback("stage1").created(Instant.parse("2026-11-28T10:00:00.123456Z")).build()
                .startedBy("n", 42).finished(JobStatus.READY, Json.tree(961));
    }

    @Test
    void aLineImpetusWritesDecodesWithBase64AndZlibOutsideJava(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stage1.ok");
        Files.writeString(file, TaskFileLine.encode(readyJob()) + "\n");

        String json = decodeOutsideJava(file);

        JsonNode node = Json.mapper().readTree(json);
        assertThat(node.get("status").asText()).isEqualTo("ready");
        assertThat(node.get("name").asText()).isEqualTo("pow");
        assertThat(node.get("result").asInt()).isEqualTo(961);
        assertThat(node.get("created").asText()).isEqualTo("2026-11-28 10:00:00.123456");
    }

    @Test
    void aLineWrittenByPythonDecodesInImpetus() throws Exception {
        // Made by Python's base64.b64encode(zlib.compress(json.dumps(job))) with the seed's job
        String line;
        try (InputStream in = getClass().getResourceAsStream("/seed-line.txt")) {
            line = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        JobEnvelope job = TaskFileLine.decode(line);
        assertThat(job.status()).isEqualTo(JobStatus.READY);
        assertThat(job.name()).isEqualTo("pow");
        assertThat(job.args().asInt()).isEqualTo(31);
        assertThat(job.result().asInt()).isEqualTo(961);
        assertThat(job.callback()).isEqualTo("stage1");
    }

    @Test
    void aLineMadeByPythonNowDecodesInImpetus() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import zlib,base64,json;print(base64.b64encode(zlib.compress("
                + "json.dumps({'id':'p1','stream':'s','name':'sq','args':[1,2],'status':'error','result':"
                + "{'error':'boom','name':'sq','linenumber':7,'statement':None}}).encode(),9)).decode())")
                .redirectErrorStream(true).start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("python3 output: %s", line).isZero();

        JobEnvelope job = TaskFileLine.decode(line);
        assertThat(job.status()).isEqualTo(JobStatus.ERROR);
        assertThat(job.result().get("linenumber").asInt()).isEqualTo(7);
        assertThat(job.args().get(1).asInt()).isEqualTo(2);
    }

    @Test
    void refusesALineThatIsNotBase64() {
        assertThatThrownBy(() -> TaskFileLine.decode("not base64 !!"))
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> TaskFileLine.decode("aGVsbG8="))
                .hasMessageContaining("not zlib data");
    }

    /** {@code base64 --decode | zlib-flate -uncompress} where qpdf is installed, else Python's zlib. */
    private static String decodeOutsideJava(Path file) throws IOException, InterruptedException {
        boolean zlibFlate = Files.isExecutable(Path.of("/usr/bin/zlib-flate"));
        List<String> command = zlibFlate
                ? List.of("sh", "-c", "head -n1 \"$0\" | base64 --decode | zlib-flate -uncompress", file.toString())
                : List.of("sh", "-c", "head -n1 \"$0\" | base64 --decode | python3 -c"
                        + " 'import sys,zlib;sys.stdout.write(zlib.decompress(sys.stdin.buffer.read()).decode())'",
                        file.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("decoder said: %s", out).isZero();
        return out;
    }
}
