package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleResult;
import io.impetus.core.schedule.ScheduleSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code impetus schedules list|show|pause|resume|trigger|delete [ID]}: the recurring jobs the active coordinator
 * keeps. {@code show} also prints the latest results of the schedule's runs (read from its bounded results queue,
 * left there). Changes are signed with the installation's key and accepted from the admin (the coordinator's broker
 * user) or from the stream's creator ({@code --client}).
 */
@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = "List, show, pause, resume, trigger (run once now) or delete recurring jobs.")
final class SchedulesCommand implements Callable<Integer> {
    private static final List<String> ACTIONS = List.of("list", "show", "pause", "resume", "trigger", "delete");

    @Mixin
    SignedControlOptions options;

    @Parameters(index = "0", paramLabel = "ACTION", description = "list, show, pause, resume, trigger or delete")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "the schedule's id (all but list)")
    String id;

    @Option(names = "--client", paramLabel = "ID",
            description = "ask as this client (the stream's creator); else the admin's broker user is needed")
    String client;

    @Option(names = "--results", paramLabel = "N", defaultValue = "10",
            description = "show: how many of the latest results to print (default ${DEFAULT-VALUE})")
    int results;

    @Override
    public Integer call() {
        if (!ACTIONS.contains(action)) {
            throw new InvalidPropertyException("schedules", "unknown action '" + action + "'; one of " + ACTIONS);
        }
        if (!action.equals("list") && id == null) {
            throw new InvalidPropertyException("schedules", action + " needs the schedule's id: impetus schedules "
                    + action + " ID");
        }
        if (id != null) {
            try {
                ScheduleSpec.checkId(id);
            } catch (IllegalArgumentException e) {
                throw new InvalidPropertyException("schedules", e.getMessage());
            }
        }
        try (ControlSession session = options.connect()) {
            ControlClient control = session.control();
            if (action.equals("list")) {
                ScheduleInfo[] all = control.call(request("list", 0), ScheduleInfo[].class);
                options.print(all, (w, list) -> {
                    w.printf("%-24s %-16s %-22s %-24s %-8s %8s %6s %6s %6s %6s%n", "SCHEDULE", "STREAM",
                            "CRON (ZONE)", "NEXT", "LAST", "LAG MS", "RUNS", "MISSED", "SKIPPED", "LOST");
                    for (ScheduleInfo s : list) {
                        w.printf("%-24s %-16s %-22s %-24s %-8s %8d %6d %6d %6d %6d%n", s.id(), s.stream(),
                                s.spec().cron() + " (" + s.spec().zone() + ")", s.paused() ? "paused" : s.next(),
                                s.lastOutcome() == null ? "-" : s.lastOutcome(), s.lagMillis(), s.runs(), s.misses(),
                                s.overlapSkips(), s.lost());
                    }
                });
                return 0;
            }
            ScheduleInfo info = control.call(request(action, 0), ScheduleInfo.class);
            if (!action.equals("show")) {
                options.print(info, (w, s) -> w.printf("%s %s: next %s, last %s (%s), %d runs%n", s.id(),
                        done(action), s.paused() ? "paused" : s.next(), s.lastOccurrence(), s.lastOutcome(), s.runs()));
                return 0;
            }
            ScheduleResult[] latest = control.call(request("results", results), ScheduleResult[].class);
            options.print(new Shown(info, List.of(latest)), (w, shown) -> print(w, shown));
        }
        return 0;
    }

    /** What {@code show} prints: the schedule and its latest results. */
    record Shown(ScheduleInfo schedule, List<ScheduleResult> results) {
    }

    static void print(PrintWriter w, Shown shown) {
        ScheduleInfo s = shown.schedule();
        w.printf("schedule %s on stream %s (creator %s)%n", s.id(), s.stream(), s.creator());
        w.printf("  runs       %s%n", s.function());
        w.printf("  cron       %s%s in %s%n", s.spec().cron(), s.spec().seconds() ? " (with seconds)" : "", s.spec().zone());
        w.printf("  policies   misfire %s (cap %d, after %d s), overlap %s%n", s.spec().misfire(), s.spec().catchUpCap(),
                s.spec().misfireAfterSeconds(), s.spec().overlap());
        w.printf("  next       %s%n", s.paused() ? "paused" : s.next());
        w.printf("  last       %s, job %s, %s, fired %d ms late%n", s.lastOccurrence(), s.lastJob(), s.lastOutcome(),
                s.lagMillis());
        w.printf("  counts     %d runs, %d missed, %d skipped (overlap), %d lost, %d running%n", s.runs(),
                s.misses(), s.overlapSkips(), s.lost(), s.running());
        w.printf("  results    %s (at most %d, for %d s)%n", s.resultsQueue(), s.spec().resultsKept(),
                s.spec().resultsTtlSeconds());
        for (ScheduleResult r : shown.results()) {
            w.printf("    %s  %-6s %s  %s%n", r.occurrence(), r.status(), r.job(), r.result());
        }
    }

    private static String done(String action) {
        return switch (action) {
            case "pause" -> "paused";
            case "resume" -> "resumed";
            case "trigger" -> "triggered";
            case "delete" -> "deleted";
            default -> action;
        };
    }

    private ControlRequest.Schedules request(String what, int max) {
        return new ControlRequest.Schedules(what, id, null, null, null, client, max);
    }
}
