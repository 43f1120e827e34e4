package io.impetus.spring.autoconfigure;

import io.impetus.client.Impetus;
import io.impetus.spring.ImpetusHealthIndicator;
import io.impetus.spring.ImpetusProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The health contributor {@code impetus} ({@link ImpetusHealthIndicator}), opt-in: only with
 * {@code management.health.impetus.enabled=true}, because each check asks the coordinator and a
 * coordinator restart would otherwise take the application's health (and its load balancer's
 * traffic) down with it. Needs {@code spring-boot-health} (the actuator brings it); without it the
 * application starts without the indicator.
 */
@AutoConfiguration(after = ImpetusAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnProperty(prefix = "management.health.impetus", name = "enabled", havingValue = "true")
@ConditionalOnBean(Impetus.class)
@EnableConfigurationProperties(ImpetusProperties.class)
public class ImpetusHealthAutoConfiguration {
    /** The indicator of the application's {@link Impetus} bean. */
    @Bean
    @ConditionalOnMissingBean(name = "impetusHealthIndicator")
    public ImpetusHealthIndicator impetusHealthIndicator(Impetus impetus, ImpetusProperties properties) {
        return new ImpetusHealthIndicator(impetus, properties.getHealth().getTimeout());
    }
}
