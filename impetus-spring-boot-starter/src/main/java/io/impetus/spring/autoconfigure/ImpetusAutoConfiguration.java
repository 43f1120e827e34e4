package io.impetus.spring.autoconfigure;

import io.impetus.client.Impetus;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.spring.ImpetusBuilderCustomizer;
import io.impetus.spring.ImpetusProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * An {@link Impetus} client bean, connected at startup from the {@code impetus.*} properties
 * ({@link ImpetusProperties}), then every {@link ImpetusBuilderCustomizer} in order, with the
 * application's {@link MeterRegistry} (when there is exactly one, or a primary one) for the
 * {@code impetus.client.*} meters. The context's shutdown closes it: futures still pending then fail
 * with {@link IllegalStateException}. An application's own {@code Impetus} bean replaces it.
 *
 * <p>Runs after the metrics auto-configuration, so the registry exists when the client is built.
 */
// by name: the metrics module is optional, and an application without it must still start
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(Impetus.class)
@EnableConfigurationProperties(ImpetusProperties.class)
public class ImpetusAutoConfiguration {
    /** The client; connecting fails startup with the client's message (what is wrong and what to do). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Impetus impetus(ImpetusProperties properties, ObjectProvider<ImpetusBuilderCustomizer> customizers,
                           ObjectProvider<MeterRegistry> meterRegistry) {
        return builder(properties, customizers.orderedStream(), meterRegistry.getIfUnique()).connect();
    }

    /**
     * The builder the bean connects with: the properties, then the registry, then the customizers in
     * the order given. Connects nothing, so tests can resolve its settings.
     */
    static Impetus.Builder builder(ImpetusProperties properties, Stream<ImpetusBuilderCustomizer> customizers,
                                   MeterRegistry meterRegistry) {
        if (properties.getPassword() != null && properties.getPasswordFile() != null) {
            throw new InvalidPropertyException("impetus.password", "impetus.password and impetus.password-file are"
                    + " both set; keep one (the file is safer)");
        }
        Impetus.Builder builder = Impetus.builder();
        set("impetus.uri", properties.getUri(), builder::uri);
        set("impetus.user", properties.getUser(), builder::user);
        set("impetus.password", properties.getPassword(), builder::password);
        set("impetus.password-file", properties.getPasswordFile(), builder::passwordFile);
        set("impetus.vhost", properties.getVhost(), builder::vhost);
        set("impetus.prefix", properties.getPrefix(), builder::prefix);
        set("impetus.signing-key-file", properties.getSigningKeyFile(), builder::signingKeyFile);
        set("impetus.max-outstanding", properties.getMaxOutstanding(), builder::maxOutstanding);
        set("impetus.client-id", properties.getClientId(), builder::clientId);
        if (meterRegistry != null) {
            builder.meterRegistry(meterRegistry);
        }
        customizers.forEach(c -> c.customize(builder));
        return builder;
    }

    /** Hands {@code value} (if set) to the builder; a refusal names the Spring property. */
    private static <T> void set(String property, T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (ImpetusException | IllegalArgumentException e) {
            InvalidPropertyException named = new InvalidPropertyException(property, property + ": " + e.getMessage());
            named.addSuppressed(e); // its cause is fixed at null; keep the original's stack for debugging
            throw named;
        }
    }
}
