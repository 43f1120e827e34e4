/**
 * Impetus for Spring Boot applications: the {@code impetus.*} properties ({@link io.impetus.spring.ImpetusProperties}),
 * the {@link io.impetus.spring.ImpetusBuilderCustomizer} seam and the opt-in
 * {@link io.impetus.spring.ImpetusHealthIndicator}. The auto-configuration itself lives in
 * {@code io.impetus.spring.autoconfigure}; an application uses only the {@link io.impetus.client.Impetus} bean.
 */
package io.impetus.spring;
