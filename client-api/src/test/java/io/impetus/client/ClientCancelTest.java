package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.core.job.JobEnvelope;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Client.cancel on a fake installation: one outcome per job, bad ids refused before anything is sent. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientCancelTest {
    static final List<Job> ERRORS = new CopyOnWriteArrayList<>();
    static final List<Job> READY = new CopyOnWriteArrayList<>();

    static final class Four extends Client {
        Four(ClientOptions options) {
            super(options);
        }

        public static Long echo(Long x) {
            return x;
        }

        @Startup
        void start() {
            for (long i = 0; i < 4; i++) {
                fork(Four::echo, i);
            }
        }

        @Process
        void handled(List<Job> ready, List<Job> errors) {
            READY.addAll(ready);
            ERRORS.addAll(errors);
        }
    }

    @Test
    void aCancelledJobReachesItsStageOnceAsCancelledAndALaterResultIsDropped(@TempDir Path tasks) throws Exception {
        FakeInstallation fake = new FakeInstallation();
        Four client = new Four(ClientOptions.builder().settings(fake.settings).clientId("c1").taskDir(tasks)
                .signingKey(null).out(new PrintStream(new ByteArrayOutputStream())).build());
        CompletableFuture<Progress> run = CompletableFuture.supplyAsync(() -> client.run(fake.broker));
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.jobsSent().size() == 4);
        List<JobEnvelope> jobs = fake.jobsSent();

        // not this client's job, or malformed: refused here, nothing asked of the coordinator
        assertThatThrownBy(() -> client.cancel("no-such-job")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a job of client c1 still waiting for its result");
        assertThatThrownBy(() -> client.cancel("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a job id is 1 to 200");
        assertThat(fake.cancels).isEmpty();

        // refused by the coordinator: the job goes on and its result is delivered
        fake.refuseCancels = true;
        assertThatThrownBy(() -> client.cancel(jobs.get(3).id())).isInstanceOf(RpcException.class)
                .hasMessageContaining("only it or the admin may cancel");
        fake.refuseCancels = false;
        fake.answer(jobs.get(3));

        fake.answer(jobs.get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> READY.size() == 2);
        assertThat(client.cancel(jobs.get(0).id())).isFalse(); // its result came first: nothing to cancel

        assertThat(client.cancel(jobs.get(1).id())).isTrue();
        assertThat(fake.cancels).extracting(c -> c.job()).containsExactly(jobs.get(3).id(), jobs.get(1).id());
        assertThat(fake.cancels.get(1).client()).isEqualTo("c1");
        assertThat(fake.cancels).allMatch(ControlRequest.CancelJobs::vouched); // its own outstanding jobs, which the coordinator may not see
        assertThat(client.cancel(jobs.get(1).id())).isFalse(); // once
        fake.answer(jobs.get(1)); // the node's result, too late: dropped
        fake.answer(jobs.get(2));
        Progress progress = run.get(10, TimeUnit.SECONDS);

        assertThat(progress.failed()).isFalse();
        assertThat(READY).extracting(Job::id).containsExactlyInAnyOrder(jobs.get(0).id(), jobs.get(2).id(),
                jobs.get(3).id());
        assertThat(ERRORS).singleElement().satisfies(j -> {
            assertThat(j.id()).isEqualTo(jobs.get(1).id());
            assertThat(j.error().error()).isEqualTo("cancelled");
            assertThat(j.error().statement()).isEqualTo("cancelled by client c1");
        });
    }
}
