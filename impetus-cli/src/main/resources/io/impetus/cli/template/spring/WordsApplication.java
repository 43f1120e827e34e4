package @@package@@;

import io.impetus.client.Impetus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A web application whose work runs on Impetus. The starter makes the {@link Impetus} bean from the
 * {@code impetus.*} properties (or the {@code IMPETUS_*} environment); this class opens the stream once.
 */
@SpringBootApplication
public class WordsApplication {
    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(WordsApplication.class, args);
    }

    /** The stream the controller forks into, opened (or joined) at startup. */
    @Bean
    Impetus.Stream wordsStream(Impetus impetus, @Value("${words.stream:words}") String stream) {
        return impetus.stream(stream);
    }
}
