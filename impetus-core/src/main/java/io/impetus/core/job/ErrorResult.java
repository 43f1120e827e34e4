package io.impetus.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The seed's error shape: the exception message, the job function's name, the line in the
 * job's own code where it failed, and the statement (source line when known, else the frame).
 *
 * @param error the exception's message (its class name when it has none)
 * @param name the job function's name
 * @param linenumber the line in the job's own source, or {@code null} if unknown
 * @param statement the failing statement or stack frame, or {@code null}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ErrorResult(String error, String name, Integer linenumber, String statement) {
    public ErrorResult {
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("an error result needs an error message");
        }
    }
}
