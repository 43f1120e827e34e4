package io.impetus.spring;

import io.impetus.client.Impetus;
import org.springframework.core.Ordered;

/**
 * A last word on how the starter's {@link Impetus} bean connects. Each customizer bean is called once,
 * in {@link org.springframework.core.annotation.Order @Order} (or {@link Ordered})
 * order, after the {@code impetus.*} properties and the {@code MeterRegistry} have been applied and
 * before {@link Impetus.Builder#connect()}; what it sets beats the properties.
 *
 * <pre>{@code
 * @Bean
 * ImpetusBuilderCustomizer clock() {
 *     return builder -> builder.clock(Clock.systemUTC());
 * }
 * }</pre>
 *
 * <p>Called on the thread that creates the bean (the context's startup thread); it must not keep the builder.
 */
@FunctionalInterface
public interface ImpetusBuilderCustomizer {
    /** Changes {@code builder}, which already holds the properties' choices. */
    void customize(Impetus.Builder builder);
}
