package @@package@@;

/**
 * The job function. It runs on an Impetus node, not in this application: Impetus ships this class
 * (and only it) to the node, so it uses nothing of Spring and keeps no state.
 */
public final class WordJobs {
    private WordJobs() {
    }

    /** How many words {@code line} has; a blank line fails the job (the endpoint answers 422). */
    public static int words(String line) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("a line with words in it, please");
        }
        return line.strip().split("\\s+").length;
    }
}
