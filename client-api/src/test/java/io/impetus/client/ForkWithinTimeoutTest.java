package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;

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

/** forkWithin's timeout is checked at the call: nothing is sent for a negative one or one past a year. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForkWithinTimeoutTest {
    static final List<String> REFUSED = new CopyOnWriteArrayList<>();

    static final class BadTimeouts extends Client {
        BadTimeouts(ClientOptions options) {
            super(options);
        }

        public static Long echo(Long x) {
            return x;
        }

        @Startup
        void start() {
            for (Duration timeout : List.of(Duration.ofSeconds(-1), Duration.ofDays(400))) {
                try {
                    forkWithin(BadTimeouts::echo, 1L, ForkOptions.DEFAULTS, timeout);
                } catch (IllegalArgumentException e) {
                    REFUSED.add(e.getMessage());
                }
            }
        }

        @Process
        void handled(List<Job> ready, List<Job> errors) {
        }
    }

    @Test
    void aNegativeOrYearLongTimeoutIsRefusedAndNothingSent(@TempDir Path tasks) throws Exception {
        FakeInstallation fake = new FakeInstallation();
        BadTimeouts client = new BadTimeouts(ClientOptions.builder().settings(fake.settings).clientId("c1")
                .taskDir(tasks).signingKey(null).out(new PrintStream(new ByteArrayOutputStream())).build());
        CompletableFuture.supplyAsync(() -> client.run(fake.broker)).get(20, TimeUnit.SECONDS);
        assertThat(REFUSED).containsExactly(
                "the fork's timeout must be between 0 and 366 days, was PT-1S:"
                        + " forkWithin(function, arg, options, Duration.ofSeconds(n))",
                "the fork's timeout must be between 0 and 366 days, was PT9600H:"
                        + " forkWithin(function, arg, options, Duration.ofSeconds(n))");
        assertThat(fake.jobsSent()).isEmpty();
    }
}
