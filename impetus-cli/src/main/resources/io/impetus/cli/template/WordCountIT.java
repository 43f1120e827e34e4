package @@package@@;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.client.Impetus;
import io.impetus.test.ImpetusInstallation;
import io.impetus.test.ImpetusTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * End to end, through the test kit: each test gets a real coordinator and node (jobs run in child
 * worker JVMs) on the RabbitMQ of IMPETUS_RABBITMQ_URI, or a Testcontainers one where Docker runs.
 */
@ImpetusTest
class WordCountIT {
    @Test
    void theClientsStagesCountEveryLine(ImpetusInstallation impetus) {
        WordCount client = new WordCount(impetus.clientOptions().build());

        client.run();

        assertThat(client.total()).isEqualTo(WordCount.LINES.stream().mapToInt(WordCount::words).sum());
        assertThat(client.errors()).isZero();
    }

    @Test
    void aJobForkedWithThePlainApiComesBackAsAFuture(ImpetusInstallation impetus) throws Exception {
        try (Impetus client = impetus.connect()) {
            Impetus.Stream stream = client.stream("words");

            assertThat(stream.fork(WordCount::words, "one two three").get(60, TimeUnit.SECONDS)).isEqualTo(3);
        }
    }
}
