/**
 * The starter's auto-configuration: {@link io.impetus.spring.autoconfigure.ImpetusAutoConfiguration} (the
 * {@code Impetus} bean) and {@link io.impetus.spring.autoconfigure.ImpetusHealthAutoConfiguration} (the opt-in
 * health indicator). Applications do not use these classes directly; they are listed in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}.
 */
package io.impetus.spring.autoconfigure;
