package io.impetus.coordinator.dependant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.impetus.coordinator.store.CoordinatorStore.Dependant;
import io.impetus.coordinator.store.CoordinatorStore.InputResult;
import io.impetus.coordinator.store.CoordinatorStore.Ready;
import io.impetus.coordinator.store.CoordinatorStore.Readying;
import io.impetus.core.codec.Json;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.security.SigningKey;
import io.impetus.core.security.Signatures;
import java.util.List;

/**
 * Makes a dependant whose inputs are all done ready, inside the store's transaction (no I/O): its argument
 * becomes the array of its inputs' results in the order they were named, and it is signed again with the
 * installation's key (the client signed it without them). Under {@link FailurePolicy#FAIL_DEPENDANT} an input
 * that failed makes it a signed error result instead, which its client gets and nothing runs.
 */
final class ReadyDependants implements Readying {
    private final SigningKey key;

    ReadyDependants(SigningKey key) {
        this.key = key;
    }

    @Override
    public Ready ready(Dependant d, List<InputResult> inputs) {
        JobEnvelope job = Json.read(d.body(), JobEnvelope.class);
        FailurePolicy policy = FailurePolicy.of(d.policy());
        ArrayNode args = JsonNodeFactory.instance.arrayNode();
        for (InputResult input : inputs) {
            JobEnvelope finished = Json.read(input.finished(), JobEnvelope.class);
            JsonNode result = finished.result() == null ? JsonNodeFactory.instance.nullNode() : finished.result();
            if (!input.ok() && policy == FailurePolicy.FAIL_DEPENDANT) {
                String why = result.path("error").asText("failed");
                JobEnvelope failed = job.finished(JobStatus.ERROR, Json.tree(new ErrorResult("input " + input.id()
                        + " failed: " + why, job.name(), null, null)));
                return new Ready(Json.write(key == null ? failed : Signatures.signResult(key, failed)), true);
            }
            args.add(result);
        }
        JobEnvelope runnable = job.withArgs(args);
        return new Ready(Json.write(key == null ? runnable : Signatures.signJob(key, runnable)), false);
    }
}
