package io.impetus.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class whose tests and lifecycle methods may take an
 * {@link ImpetusInstallation} parameter: a real coordinator and node, started for the test on the
 * RabbitMQ of {@code IMPETUS_RABBITMQ_URI} (else a Testcontainers RabbitMQ where Docker runs; else
 * the test is skipped, or fails with {@code IMPETUS_RABBITMQ_REQUIRED=true}), in a prefix of its
 * own, and taken down with everything it made on the broker when the test ends.
 *
 * <pre>{@code
 * @ImpetusTest
 * class SquaresTest {
 *     @Test
 *     void squares(ImpetusInstallation impetus) throws Exception {
 *         try (Impetus client = impetus.connect()) {
 *             assertThat(client.stream("squares").fork(Squares::square, 3L).get(60, SECONDS)).isEqualTo(9L);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>A parameter of a test method or {@code @BeforeEach} method gets an installation of its own
 * per test; one of a {@code @BeforeAll} method gets one shared by the class's tests.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(ImpetusExtension.class)
public @interface ImpetusTest {
    /** Most worker processes per stream on the test's node. */
    int mpps() default ImpetusInstallation.DEFAULT_MPPS;
}
