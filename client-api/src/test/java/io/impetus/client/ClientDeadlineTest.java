package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.testkit.fake.SettableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A client whose one job never answers: with a deadline, the stage gets it as an error and run() ends. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientDeadlineTest {
    static final List<Job> ERRORS = new CopyOnWriteArrayList<>();
    static final List<Job> READY = new CopyOnWriteArrayList<>();

    static final class Three extends Client {
        Three(ClientOptions options) {
            super(options);
        }

        public static Long echo(Long x) {
            return x;
        }

        @Startup
        void start() {
            for (long i = 0; i < 3; i++) {
                fork(Three::echo, i);
            }
        }

        @Process
        void handled(List<Job> ready, List<Job> errors) {
            READY.addAll(ready);
            ERRORS.addAll(errors);
        }
    }

    @Test
    void aJobWithNoResultWithinTheDeadlineReachesTheStageAsAnErrorAndTheRunEnds(@TempDir Path tasks) throws Exception {
        FakeInstallation fake = new FakeInstallation();
        SettableClock clock = new SettableClock(Instant.parse("2024-05-01T08:00:00Z"));
        Three client = new Three(ClientOptions.builder().settings(fake.settings).clientId("late1").taskDir(tasks)
                .signingKey(null).clock(clock).jobDeadline(Duration.ofMinutes(10))
                .out(new PrintStream(new ByteArrayOutputStream())).build());
        CompletableFuture<Progress> run = CompletableFuture.supplyAsync(() -> client.run(fake.broker));

        await().atMost(Duration.ofSeconds(10)).until(() -> fake.jobsSent().size() == 3);
        fake.answer(fake.jobsSent().get(0));
        fake.answer(fake.jobsSent().get(2)); // the second never answers
        await().atMost(Duration.ofSeconds(10)).until(() -> READY.size() == 2);
        assertThat(run).isNotDone();

        clock.advance(Duration.ofMinutes(11));
        Progress progress = run.get(10, TimeUnit.SECONDS);

        assertThat(progress.failed()).isFalse();
        assertThat(ERRORS).singleElement().satisfies(j -> {
            assertThat(j.id()).isEqualTo(fake.jobsSent().get(1).id());
            assertThat(j.error().error()).contains("no result of job", "within 10m", "may still run");
        });
    }
}
