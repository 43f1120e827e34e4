package io.impetus.client;

/**
 * Why a job failed, in the seed's error shape ({@code {"error", "name", "linenumber", "statement"}}):
 * what a stage reads from {@link Job#error()} and a future's {@link JobFailedException#error()}.
 * Immutable.
 *
 * @param error the exception's message (its class name when it has none), or why Impetus gave up
 *     on the job (too many attempts, its job timeout, its stream closed)
 * @param name the job function's name
 * @param lineNumber the line in the job's own source where it failed, or {@code null} if unknown
 * @param statement the failing statement (its source line when known, else the stack frame), or
 *     {@code null}
 */
public record JobError(String error, String name, Integer lineNumber, String statement) {
    @Override
    public String toString() {
        return name + ": " + error + (lineNumber == null ? "" : " (line " + lineNumber + ")");
    }
}
