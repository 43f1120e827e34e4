package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job, {@code impetus demo}, and {@code impetus demo crawler} as a newcomer runs
 * them: each starts what it needs (coordinator and node, or coordinator and scaler), runs the
 * example to the end and leaves no process behind.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DemoIT {

    @Test
    void demoRunsHelloWorldThenTheCrawlerAndLeavesNothingRunning(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster("demo")) {
            Path work = dir.resolve("work");
            Launcher.Result hello = Launcher.run(cluster.env, "demo", "--taskdir", dir.resolve("tasks").toString(),
                    "--work-dir", work.toString());
            assertThat(hello.exitCode()).as(hello.toString()).isZero();
            assertThat(hello.out()).contains("demo: started a coordinator", "demo: started a node", "Total: 328350",
                    "Errors: 0", "demo: helloworld finished (exit 0)", "demo: stopped the node",
                    "demo: stopped the coordinator");

            Launcher.Result crawl = Launcher.run(cluster.env, "demo", "crawler", "--pages", "40", "--top", "3",
                    "--taskdir", dir.resolve("tasks").toString(), "--work-dir", work.toString());
            assertThat(crawl.exitCode()).as(crawl.toString()).isZero();
            assertThat(crawl.out()).contains("demo: started a scaler with the local provider", "Crawl finished in",
                    "Top 3 of", "demo: crawler finished (exit 0)", "demo: stopped the scaler",
                    "demo: stopped the coordinator")
                    .containsPattern("(?m)^alpha\\s+crawl-alpha\\s+40\\s")
                    .containsPattern("(?m)^beta\\s+crawl-beta\\s+40\\s");

            // the coordinator, node and scaler name the work dir on their command line; the nodes the
            // scaler started are named in its log
            List<Long> launched = Pattern.compile("launched node \\S+-(\\d+) ")
                    .matcher(Files.readString(work.resolve("scaler.log"))).results()
                    .map(m -> Long.parseLong(m.group(1))).toList();
            assertThat(launched).isNotEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> alive(work).isEmpty()
                    && launched.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        }
    }

    private static List<String> alive(Path work) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(work.toString())).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
    }
}
