package io.impetus.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.client.Impetus;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.spring.ImpetusBuilderCustomizer;
import io.impetus.spring.ImpetusHealthIndicator;
import io.impetus.spring.ImpetusProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;

/**
 * The auto-configuration without a broker: every bean is lazy, so nothing connects unless a test
 * asks for the {@code Impetus} bean; the properties are checked through the builder the bean would
 * connect with ({@code resolveSettings()} connects nothing).
 */
class ImpetusAutoConfigurationTest {
    private final ApplicationContextRunner lazy = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ImpetusAutoConfiguration.class,
                    ImpetusHealthAutoConfiguration.class))
            .withInitializer(c -> c.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()));

    /** Eager, as an application starts: the Impetus bean is built at once (tests of input refused before connecting). */
    private final ApplicationContextRunner eager = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ImpetusAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void theUriAndPrefixPropertiesReachTheBuilder() {
        lazy.withPropertyValues("impetus.uri=amqp://alice:s3cret@broker.example:5673/jobs", "impetus.prefix=shop")
                .run(context -> {
                    ConnectionSettings settings = builderOf(context).resolveSettings();
                    assertThat(settings.host()).isEqualTo("broker.example");
                    assertThat(settings.port()).isEqualTo(5673);
                    assertThat(settings.user()).isEqualTo("alice");
                    assertThat(settings.authkey()).isEqualTo("s3cret");
                    assertThat(settings.vhost()).isEqualTo("jobs");
                    assertThat(settings.topology().prefix()).isEqualTo("shop");
                });
    }

    @Test
    void theUserPasswordFileAndVhostPropertiesBeatTheUris() throws IOException {
        Path passwordFile = Files.writeString(dir.resolve("password"), "from-the-file\nignored\n");
        lazy.withPropertyValues("impetus.uri=amqp://alice:s3cret@broker.example:5672/jobs", "impetus.user=bob",
                "impetus.password-file=" + passwordFile, "impetus.vhost=other").run(context -> {
                    ConnectionSettings settings = builderOf(context).resolveSettings();
                    assertThat(settings.user()).isEqualTo("bob");
                    assertThat(settings.authkey()).isEqualTo("from-the-file");
                    assertThat(settings.vhost()).isEqualTo("other");
                });
    }

    @Test
    void aCommaSeparatedUriListGivesEveryNodeOfTheCluster() {
        lazy.withPropertyValues("impetus.uri=amqp://u:p@rabbit-1:5672/v,amqp://rabbit-2:5673,amqp://rabbit-3")
                .run(context -> assertThat(builderOf(context).resolveSettings().addresses())
                        .containsExactly("rabbit-1:5672", "rabbit-2:5673", "rabbit-3:5672"));
    }

    @Test
    void customizersRunInTheirOrderAfterTheProperties() {
        List<String> calls = new ArrayList<>();
        lazy.withPropertyValues("impetus.uri=amqp://u:p@from-properties:5672/v")
                .withBean("late", ImpetusBuilderCustomizer.class, () -> new Late(calls))
                .withBean("early", ImpetusBuilderCustomizer.class, () -> new Early(calls))
                .run(context -> {
                    ConnectionSettings settings = builderOf(context).resolveSettings();
                    assertThat(calls).containsExactly("early", "late");
                    assertThat(settings.host()).as("the last customizer's choice").isEqualTo("late-host");
                });
    }

    @Test
    void theImpetusBeanIsTheStartersAndClosedWithTheContext() {
        lazy.run(context -> {
            assertThat(context.getBeanNamesForType(Impetus.class)).containsExactly("impetus");
            BeanDefinition definition = context.getBeanFactory().getBeanDefinition("impetus");
            assertThat(definition.getDestroyMethodName()).isEqualTo("close");
        });
    }

    @Test
    void anApplicationsOwnImpetusBeanBacksTheStartersOff() {
        lazy.withBean("myImpetus", Impetus.class, () -> {
            throw new AssertionError("a lazy bean: never created by this test");
        }).run(context -> assertThat(context.getBeanNamesForType(Impetus.class)).containsExactly("myImpetus"));
    }

    @Test
    void theHealthIndicatorIsAbsentByDefault() {
        lazy.run(context -> assertThat(context).doesNotHaveBean(ImpetusHealthIndicator.class));
        lazy.withPropertyValues("management.health.impetus.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ImpetusHealthIndicator.class));
    }

    @Test
    void theHealthIndicatorIsThereWhenEnabled() {
        lazy.withPropertyValues("management.health.impetus.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(ImpetusHealthIndicator.class);
            assertThat(context.getBeanNamesForType(ImpetusHealthIndicator.class))
                    .containsExactly("impetusHealthIndicator");
        });
    }

    @Test
    void theHealthTimeoutDefaultsToFiveSecondsAndCanBeSet() {
        lazy.run(context -> assertThat(context.getBean(ImpetusProperties.class).getHealth().getTimeout())
                .isEqualTo(Duration.ofSeconds(5)));
        lazy.withPropertyValues("impetus.health.timeout=750ms").run(context -> assertThat(
                context.getBean(ImpetusProperties.class).getHealth().getTimeout()).isEqualTo(Duration.ofMillis(750)));
    }

    @Test
    void aNonPositiveHealthTimeoutIsRefusedSayingSo() {
        lazy.withPropertyValues("impetus.health.timeout=0s").run(context ->
                assertThatThrownBy(() -> context.getBean(ImpetusProperties.class)).rootCause()
                        .hasMessageContaining("impetus.health.timeout must be positive"));
    }

    @Test
    void aMissingPasswordFileFailsStartupNamingTheFile() {
        Path missing = dir.resolve("no-such-password");
        eager.withPropertyValues("impetus.password-file=" + missing).run(context -> assertThat(context).getFailure()
                .rootCause().isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("impetus.password-file")
                .hasMessageContaining(missing.toString()));
    }

    @Test
    void aMissingSigningKeyFileFailsStartupNamingTheFile() {
        Path missing = dir.resolve("no-such-key");
        eager.withPropertyValues("impetus.signing-key-file=" + missing).run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("impetus.signing-key-file")
                .hasMessageContaining(missing.toString()));
    }

    @Test
    void aPasswordAndAPasswordFileTogetherAreRefused() throws IOException {
        Path passwordFile = Files.writeString(dir.resolve("password"), "pw\n");
        eager.withPropertyValues("impetus.password=pw", "impetus.password-file=" + passwordFile).run(context ->
                assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("impetus.password and impetus.password-file are both set"));
    }

    @Test
    void anOutstandingBoundBelowOneIsRefusedNamingTheProperty() {
        eager.withPropertyValues("impetus.max-outstanding=0").run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining("impetus.max-outstanding")
                .hasMessageContaining("at least 1 job, was 0"));
    }

    @Test
    void aBlankUriIsRefusedRatherThanIgnored() {
        eager.withPropertyValues("impetus.uri= ").run(context -> assertThat(context).getFailure().rootCause()
                .hasMessageContaining("impetus.uri"));
    }

    private static Impetus.Builder builderOf(AssertableApplicationContext context) {
        return ImpetusAutoConfiguration.builder(context.getBean(ImpetusProperties.class),
                context.getBeanProvider(ImpetusBuilderCustomizer.class).orderedStream(),
                context.getBeanProvider(MeterRegistry.class).getIfUnique());
    }

    @Order(1)
    record Early(List<String> calls) implements ImpetusBuilderCustomizer {
        @Override
        public void customize(Impetus.Builder builder) {
            calls.add("early");
            builder.uri("amqp://u:p@early-host:5672/v");
        }
    }

    @Order(2)
    record Late(List<String> calls) implements ImpetusBuilderCustomizer {
        @Override
        public void customize(Impetus.Builder builder) {
            calls.add("late");
            builder.uri("amqp://u:p@late-host:5672/v");
        }
    }
}
