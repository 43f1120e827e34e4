package io.impetus.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import io.impetus.spring.autoconfigure.ImpetusAutoConfiguration;
import io.impetus.spring.autoconfigure.ImpetusHealthAutoConfiguration;
import io.impetus.test.ImpetusInstallation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter against a real installation: a coordinator and a node on the real broker. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ImpetusStarterIT {
    private static ImpetusInstallation installation;

    @BeforeAll
    static void startInstallation() {
        installation = ImpetusInstallation.builder().name("spring-starter").start();
    }

    @AfterAll
    static void closeInstallation() {
        if (installation != null) {
            installation.close();
        }
    }

    private static ApplicationContextRunner application() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ImpetusAutoConfiguration.class,
                        ImpetusHealthAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("impetus.uri=" + installation.settings().uriList(),
                        "impetus.prefix=" + installation.prefix(),
                        "impetus.signing-key-file=" + installation.signingKeyFile(),
                        "management.health.impetus.enabled=true");
    }

    @Test
    void aJobForkedThroughTheBeanRunsOnTheNodeWithHealthAndMeters() {
        String clientId = "spring-it-" + UUID.randomUUID().toString().substring(0, 8);
        application().withPropertyValues("impetus.client-id=" + clientId).run(context -> {
            Impetus impetus = context.getBean(Impetus.class);
            assertThat(impetus.clientId()).isEqualTo(clientId);

            Impetus.Stream squares = impetus.stream("squares");
            assertThat(squares.fork(SquareJobs::square, 12L).get(120, TimeUnit.SECONDS)).isEqualTo(144L);

            Health health = context.getBean(ImpetusHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("detail", "RabbitMQ and the coordinator answer");

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.find("impetus.client.jobs.forked").counters())
                    .as("impetus.client.jobs.forked").isNotEmpty()
                    .allSatisfy(c -> assertThat(c.count()).isGreaterThanOrEqualTo(1));
            assertThat(meters.find("impetus.client.results").meters()).as("impetus.client.results").isNotEmpty();
            assertThat(meters.find("impetus.client.jobs.outstanding").meters())
                    .as("impetus.client.jobs.outstanding").isNotEmpty();
        });
    }

    @Test
    void closingTheContextFailsAStillPendingFuture() {
        application().run(context -> {
            Impetus impetus = context.getBean(Impetus.class);
            CompletableFuture<Long> pending = impetus.stream("later")
                    .fork(SquareJobs::square, 3L, ForkOptions.delay(Duration.ofMinutes(10)));
            assertThat(pending).isNotDone();

            context.close();

            await().atMost(Duration.ofSeconds(10)).until(pending::isDone);
            assertThat(pending).isCompletedExceptionally();
            assertThat(pending.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            Health afterClose = new ImpetusHealthIndicator(impetus, Duration.ofSeconds(1)).health();
            assertThat(afterClose.getStatus()).isEqualTo(Status.DOWN);
            assertThat(afterClose.getDetails()).containsEntry("detail", "this client is closed");
        });
    }
}
