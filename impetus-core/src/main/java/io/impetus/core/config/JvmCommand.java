package io.impetus.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of every JVM Impetus starts (a daemon, a node the local provider launches, a
 * worker, a bench client): {@code java <options> -D<properties> -cp <class path> <main> <args>},
 * on this JVM's {@code java} and class path unless told otherwise, and the process's environment
 * with {@link JvmFlags#ENVIRONMENT} added. Not thread-safe: build it where it is used.
 */
public final class JvmCommand {
    private String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> options = new ArrayList<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private String classPath = System.getProperty("java.class.path");
    private final String mainClass;
    private final List<String> args = new ArrayList<>();
    private Set<String> keptEnvironment;
    private final Map<String, String> environment = new LinkedHashMap<>();

    private JvmCommand(String mainClass) {
        if (mainClass == null || mainClass.isBlank()) {
            throw new IllegalArgumentException("a JVM command needs a main class");
        }
        this.mainClass = mainClass;
    }

    /** A command that runs {@code mainClass}. */
    public static JvmCommand of(String mainClass) {
        return new JvmCommand(mainClass);
    }

    /** The {@code java} binary to run (default: this JVM's). */
    public JvmCommand java(String binary) {
        this.java = binary;
        return this;
    }

    /** Adds {@code role}'s options as {@code env} sets them ({@link JvmFlags#of(JvmFlags.Role, Map)}); {@code null} adds none. */
    public JvmCommand role(JvmFlags.Role role, Map<String, String> env) {
        if (role != null) {
            options.addAll(JvmFlags.of(role, env));
        }
        return this;
    }

    /** Adds {@code -Xmx<max>} (say {@code 128m}). */
    public JvmCommand maxHeap(String max) {
        options.add("-Xmx" + max);
        return this;
    }

    /** Adds JVM options, in order. */
    public JvmCommand options(List<String> more) {
        options.addAll(more);
        return this;
    }

    /** Adds {@code -D<name>=<value>}, after the options. */
    public JvmCommand property(String name, String value) {
        properties.put(name, value);
        return this;
    }

    /** The class path (default: this JVM's {@code java.class.path}). */
    public JvmCommand classPath(String path) {
        this.classPath = path;
        return this;
    }

    /** Adds program arguments, after the main class. */
    public JvmCommand args(List<String> more) {
        args.addAll(more);
        return this;
    }

    /** Adds program arguments, after the main class. */
    public JvmCommand args(String... more) {
        return args(List.of(more));
    }

    /** Starts the process with only these variables of this one's environment (before {@link #env}). */
    public JvmCommand keepOnlyEnvironment(Set<String> names) {
        this.keptEnvironment = Set.copyOf(names);
        return this;
    }

    /** Sets an environment variable of the process. */
    public JvmCommand env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Sets environment variables of the process. */
    public JvmCommand env(Map<String, String> more) {
        environment.putAll(more);
        return this;
    }

    /** The command line. */
    public List<String> toList() {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** A process builder for the command, its environment set; redirects and folder are the caller's. */
    public ProcessBuilder processBuilder() {
        ProcessBuilder pb = new ProcessBuilder(toList());
        Map<String, String> env = pb.environment();
        if (keptEnvironment != null) {
            env.keySet().retainAll(keptEnvironment);
        }
        env.putAll(environment);
        JvmFlags.addEnvironment(env);
        return pb;
    }
}
