package io.impetus.dist;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the built distribution ({@code target/lib}) as a real process, as ./impetus does. */
final class Launcher {
    static final String LIB = Path.of(System.getenv().getOrDefault("IMPETUS_TEST_BUILD_DIR", "target"), "lib")
            .toString();

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private Launcher() {
    }

    static Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    /** Runs with {@code env} added to this JVM's environment. */
    static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-cp", LIB + File.separator + "*",
                "io.impetus.cli.Impetus"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("impetus " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
