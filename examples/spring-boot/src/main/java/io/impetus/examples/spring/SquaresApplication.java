package io.impetus.examples.spring;

import io.impetus.client.Impetus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A web application whose {@code GET /squares/{n}} is computed by an Impetus node. The starter makes
 * the {@link Impetus} bean from the {@code impetus.*} properties (or the {@code IMPETUS_*}
 * environment); this class opens the stream once.
 */
@SpringBootApplication
public class SquaresApplication {
    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(SquaresApplication.class, args);
    }

    /** The stream the controller forks into, opened (or joined) once at startup. */
    @Bean
    Impetus.Stream squaresStream(Impetus impetus, @Value("${squares.stream:squares}") String stream) {
        return impetus.stream(stream);
    }
}
