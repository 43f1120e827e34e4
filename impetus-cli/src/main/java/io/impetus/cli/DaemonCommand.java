package io.impetus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A daemon with the seed's actions: start, stop, restart, foreground. */
abstract class DaemonCommand implements Callable<Integer> {
    /** What to do with the daemon. */
    enum Action { start, stop, restart, foreground }

    @Parameters(index = "0", paramLabel = "ACTION",
            description = "start (in the background, with pid and log files), stop, restart, or foreground")
    Action action;

    @Mixin
    DaemonOptions daemon;

    @Spec
    CommandSpec spec;

    /** The seed's name of the daemon, for pid and log files: Coordinator, Node, Scaler. */
    abstract String fileName();

    /** Options given that have no effect, each as a sentence; printed, never ignored silently. */
    List<String> unusedOptions() {
        return List.of();
    }

    /**
     * Checks the options the daemon needs to start (ports, counts, times), with a one-line error, before
     * {@code start} spawns it or {@code foreground} connects to anything; every command line and config
     * value passes here. The daemon's own options records check the rest as they are built.
     */
    void checkOptions() {
    }

    /** Starts the daemon in this process and returns it, running. */
    abstract AutoCloseable startHere() throws Exception;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        daemon.check();
        if (action != Action.stop) {
            checkOptions();
        }
        DaemonControl control = new DaemonControl(fileName(), daemon, out);
        unusedOptions().forEach(w -> spec.commandLine().getErr().println("impetus " + spec.name() + ": warning: " + w));
        try {
            switch (action) {
                case start:
                    return control.start(foregroundArgs());
                case stop:
                    return control.stop();
                case restart:
                    if (control.running().isPresent()) {
                        int stopped = control.stop();
                        if (stopped != 0) {
                            return stopped;
                        }
                    }
                    return control.start(foregroundArgs());
                default:
                    applySecrets();
                    AutoCloseable running = startHere();
                    DaemonControl.markReady(daemon);
                    return Daemons.runUntilSignalled(spec.name(), running);
            }
        } finally {
            out.flush();
        }
    }

    /** The secret options {@code start} handed over in a file: read, deleted, set as if given on the command line. */
    private void applySecrets() throws IOException {
        if (daemon.secretsFile == null) {
            return;
        }
        DaemonSecrets.readAndDelete(daemon.secretsFile).forEach((option, value) -> {
            picocli.CommandLine.Model.OptionSpec o = spec.findOption(option);
            if (o != null) {
                o.setValue(value);
            }
        });
    }

    /** This command line with the action replaced by {@code foreground}. */
    private List<String> foregroundArgs() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        List<String> args = new ArrayList<>(original);
        String word = action.name();
        int commandAt = args.indexOf(spec.name());
        for (String alias : spec.aliases()) {
            commandAt = commandAt >= 0 ? commandAt : args.indexOf(alias);
        }
        for (int i = Math.max(0, commandAt); i < args.size(); i++) {
            if (args.get(i).equals(word)) {
                args.set(i, Action.foreground.name());
                return args.subList(Math.max(0, commandAt), args.size());
            }
        }
        throw new IllegalStateException("cannot find the action in " + original);
    }
}
