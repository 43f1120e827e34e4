package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Client's stages fork jobs that wait for jobs (a fake installation plays the coordinator and the node): the
 * inputs go out marked awaited, the dependant is handed to the coordinator with its inputs and policy, its result
 * reaches the next stage like any job's, and bad inputs are refused here or by the coordinator without a hang.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientForkAfterTest {
    static final List<Job> READY = new CopyOnWriteArrayList<>();
    static final Map<String, String> IDS = new ConcurrentHashMap<>();
    static final List<String> REFUSED = new CopyOnWriteArrayList<>();

    static final class FanIn extends Client {
        FanIn(ClientOptions options) {
            super(options);
        }

        public static Long echo(Long x) {
            return x;
        }

        public static Long sum(List<Long> xs) {
            return xs.stream().mapToLong(Long::longValue).sum();
        }

        @Startup
        void start() {
            String a = forkAwaited(FanIn::echo, 1L);
            String b = forkAwaited(FanIn::echo, 2L);
            IDS.put("a", a);
            IDS.put("b", b);
            IDS.put("d", forkAfter(List.of(a, b), FanIn::sum, FailurePolicy.FAIL_DEPENDANT));
            try {
                forkAfter(List.of(a, "not-forked-here"), FanIn::sum, FailurePolicy.PASS_ERRORS);
            } catch (IllegalArgumentException e) {
                REFUSED.add(e.getMessage());
            }
            try {
                forkAfter(List.of(), FanIn::sum, FailurePolicy.PASS_ERRORS);
            } catch (IllegalArgumentException e) {
                REFUSED.add(e.getMessage());
            }
            String c = forkAwaited(FanIn::echo, 3L, ForkOptions.callback("collect"));
            IDS.put("c", c);
        }

        @Process
        void collect(List<Job> ready, List<Job> errors) {
            READY.addAll(ready);
        }
    }

    @Test
    void aStageForksAFanInThatTheCoordinatorHoldsAndItsResultReachesTheNextStage(@TempDir Path tasks) throws Exception {
        FakeInstallation fake = new FakeInstallation();
        READY.clear();
        REFUSED.clear();
        FanIn client = new FanIn(ClientOptions.builder().settings(fake.settings).clientId("c1").taskDir(tasks)
                .signingKey(null).out(new PrintStream(new ByteArrayOutputStream())).build());
        CompletableFuture<Progress> run = CompletableFuture.supplyAsync(() -> client.run(fake.broker));
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.jobsSent().size() == 3 && fake.forkAfters.size() == 1);

        List<JobEnvelope> inputs = fake.jobsSent();
        assertThat(inputs).extracting(JobEnvelope::id).containsExactly(IDS.get("a"), IDS.get("b"), IDS.get("c"));
        assertThat(inputs).allMatch(JobEnvelope::awaited);
        ControlRequest.ForkAfter held = fake.forkAfters.get(0);
        assertThat(held.inputs()).containsExactly(IDS.get("a"), IDS.get("b"));
        assertThat(held.policy()).isEqualTo("fail_dependant");
        assertThat(held.job().id()).isEqualTo(IDS.get("d"));
        assertThat(held.job().awaited()).as("a chain's next link can wait for it").isTrue();
        assertThat(held.job().client()).isEqualTo("c1");
        assertThat(REFUSED).hasSize(2);
        assertThat(REFUSED.get(0)).contains("unknown job id 'not-forked-here'");
        assertThat(REFUSED.get(1)).contains("at least one input");
        assertThat(run).isNotDone();

        inputs.forEach(fake::answer);
        // the coordinator publishes the dependant with its inputs' results; the fake node echoes its argument
        fake.answer(held.job().withArgs(Json.tree(List.of(1, 2))));
        Progress progress = run.get(10, TimeUnit.SECONDS);
        assertThat(progress.failed()).isFalse();
        assertThat(READY).extracting(Job::id).containsExactlyInAnyOrder(IDS.get("a"), IDS.get("b"), IDS.get("c"),
                IDS.get("d"));
    }

    static final class Refused extends Client {
        Refused(ClientOptions options) {
            super(options);
        }

        @Startup
        void start() {
            String input = forkAwaited(FanIn::echo, 7L);
            IDS.put("r", input);
            try {
                forkAfter(List.of(input), FanIn::sum, FailurePolicy.PASS_ERRORS);
            } catch (RpcException e) {
                REFUSED.add(e.getMessage());
            }
        }

        @Process
        void collect(List<Job> ready, List<Job> errors) {
            READY.addAll(ready);
        }
    }

    @Test
    void aForkAfterTheCoordinatorRefusesThrowsInTheStageAndTheRunDoesNotWaitForIt(@TempDir Path tasks) throws Exception {
        FakeInstallation fake = new FakeInstallation();
        READY.clear();
        REFUSED.clear();
        Refused client = new Refused(ClientOptions.builder().settings(fake.settings).clientId("c2").taskDir(tasks)
                .signingKey(null).out(new PrintStream(new ByteArrayOutputStream())).build());
        fake.refuseForkAfter = true;
        CompletableFuture<Progress> run = CompletableFuture.supplyAsync(() -> client.run(fake.broker));
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.jobsSent().size() == 1 && REFUSED.size() == 1);
        assertThat(REFUSED.get(0)).contains("nothing was forked");
        fake.answer(fake.jobsSent().get(0));
        assertThat(run.get(10, TimeUnit.SECONDS).failed()).isFalse(); // only the input's result was waited for
        assertThat(READY).extracting(Job::id).containsExactly(IDS.get("r"));
    }
}
