package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.impetus.client.FakeInstallation;
import io.impetus.client.ForkOptions;
import io.impetus.client.JobFunction;
import io.impetus.client.ResultDeadlineException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's per-job deadline, on a fake broker with a settable clock. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JobDeadlineTest {
    private final FakeInstallation fake = new FakeInstallation();
    private final SettableClock clock = new SettableClock(Instant.parse("2024-05-01T08:00:00Z"));
    private final FutureResults futures = new FutureResults();
    private final List<Object> late = new CopyOnWriteArrayList<>();
    private ClientSession session;

    public static Long echo(Long x) {
        return x;
    }

    private ClientSession open(Duration deadline, int maxOutstanding) {
        session = new ClientSession(new SessionOptions(fake.settings, "c1", Map.of(), clock, null, maxOutstanding, null,
                deadline, Duration.ofDays(7)), fake.broker);
        session.openStream("s", Map.of(), futures);
        futures.onLateResult(late::add);
        return session;
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    private CompletableFuture<Long> fork(long arg, ForkOptions options, Duration waitAtMost) throws InterruptedException {
        FunctionRef ref = FunctionRef.of((JobFunction<Long, Long>) JobDeadlineTest::echo);
        List<CompletableFuture<Long>> f = new CopyOnWriteArrayList<>();
        session.fork(ForkRequest.of("s", ref, arg, options, "result", waitAtMost), j -> f.add(futures.expect(j.id(), ref)));
        return f.get(0);
    }

    @Test
    void aJobWithNoResultWithinTheDeadlineFailsFreesItsPlaceAndItsLateResultIsDropped() throws Exception {
        open(Duration.ofMinutes(10), 1);
        CompletableFuture<Long> lost = fork(1, ForkOptions.DEFAULTS, null);
        JobEnvelope job = fake.jobsSent().get(0);

        clock.advance(Duration.ofMinutes(9));
        session.failOverdue();
        assertThat(lost).isNotDone();

        clock.advance(Duration.ofMinutes(2));
        session.failOverdue();
        assertThat(lost).isCompletedExceptionally();
        assertThat(catchCause(lost)).isInstanceOf(ResultDeadlineException.class)
                .hasMessageContaining("no result of job " + job.id() + " within 10m")
                .hasMessageContaining("may still run");

        // its outstanding place (the client's only one) is free: the next fork does not wait
        assertThatCode(() -> fork(2, ForkOptions.DEFAULTS, Duration.ofMillis(200))).doesNotThrowAnyException();

        // the job's result comes after all: dropped (acked), the one outcome stays the deadline's
        FakeDelivery d = fake.answer(job);
        assertThat(d.settled()).isTrue();
        assertThat(late).isEmpty();
        assertThat(catchCause(lost)).isInstanceOf(ResultDeadlineException.class);
    }

    @Test
    void aDelayedJobIsDueItsDelayLater() throws Exception {
        open(Duration.ofMinutes(10), 10);
        CompletableFuture<Long> delayed = fork(1, ForkOptions.DEFAULTS.withDelay(Duration.ofHours(1)), null);
        clock.advance(Duration.ofMinutes(65));
        session.failOverdue();
        assertThat(delayed).isNotDone();
        clock.advance(Duration.ofMinutes(6));
        session.failOverdue();
        assertThat(catchCause(delayed)).isInstanceOf(ResultDeadlineException.class);
    }

    @Test
    void aResultInTimeEndsTheDeadlineAndWithoutOneNothingExpires() throws Exception {
        open(Duration.ofMinutes(10), 10);
        CompletableFuture<Long> answered = fork(7, ForkOptions.DEFAULTS, null);
        fake.answer(fake.jobsSent().get(0));
        clock.advance(Duration.ofHours(1));
        session.failOverdue();
        assertThat(answered).isCompletedWithValue(7L);
        session.close();

        open(null, 10); // no deadline: the default
        CompletableFuture<Long> waiting = fork(8, ForkOptions.DEFAULTS, null);
        clock.advance(Duration.ofDays(30));
        session.failOverdue();
        assertThat(waiting).isNotDone();
    }

    private static Throwable catchCause(CompletableFuture<?> f) {
        try {
            f.get(1, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }
}
