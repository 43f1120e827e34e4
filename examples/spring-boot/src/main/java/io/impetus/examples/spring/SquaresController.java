package io.impetus.examples.spring;

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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /squares/{n}}: forks {@link SquareJobs#square} and answers {@code {"n": n, "square": n*n}}
 * when the result comes back; 422 with the job's error when the job fails, 504 when no result comes
 * within {@code squares.timeout} (default 30 s; the job may still run later).
 */
@RestController
class SquaresController {
    private final Impetus.Stream squares;
    private final Duration timeout;

    SquaresController(Impetus.Stream squares, @Value("${squares.timeout:30s}") Duration timeout) {
        this.squares = squares;
        this.timeout = timeout;
    }

    @GetMapping("/squares/{n}")
    ResponseEntity<Map<String, Object>> square(@PathVariable long n) throws InterruptedException {
        try {
            long square = squares.fork(SquareJobs::square, n).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ResponseEntity.ok(Map.of("n", n, "square", square));
        } catch (TimeoutException e) {
            return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT)
                    .body(Map.of("n", n, "error", "no result within " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JobFailedException failed) {
                return ResponseEntity.status(422).body(Map.of("n", n, "error", failed.error().error()));
            }
            throw new IllegalStateException("the square of " + n + " could not be computed", e.getCause());
        }
    }
}
