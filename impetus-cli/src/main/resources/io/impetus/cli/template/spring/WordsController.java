package @@package@@;

import io.impetus.client.Impetus;
import io.impetus.client.JobFailedException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /words?line=...}: forks {@link WordJobs#words} and answers {@code {"line", "words"}}
 * when its result comes back; 422 with the job's error when it fails; 504 when no result comes
 * within {@code words.timeout}.
 */
@RestController
class WordsController {
    private final Impetus.Stream words;
    private final Duration timeout;

    WordsController(Impetus.Stream words, @Value("${words.timeout:30s}") Duration timeout) {
        this.words = words;
        this.timeout = timeout;
    }

    @GetMapping("/words")
    ResponseEntity<Map<String, Object>> count(@RequestParam String line) throws InterruptedException {
        try {
            int n = words.fork(WordJobs::words, line).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ResponseEntity.ok(Map.of("line", line, "words", n));
        } catch (TimeoutException e) {
            return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT)
                    .body(Map.of("line", line, "error", "no result within " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JobFailedException failed) {
                return ResponseEntity.unprocessableEntity().body(Map.of("line", line, "error", failed.error().error()));
            }
            throw new IllegalStateException("the words of '" + line + "' could not be counted", e.getCause());
        }
    }
}
