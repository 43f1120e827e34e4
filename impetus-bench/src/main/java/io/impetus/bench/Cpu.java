package io.impetus.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU time of processes from /proc (Linux): where a job's CPU goes, process by process. */
final class Cpu {
    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final double HZ = 100.0;

    private Cpu() {
    }

    /** CPU seconds (user + system) the process has used, or 0 where /proc cannot tell. */
    static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / HZ; // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU seconds of every child of {@code pid}: those alive now, and those that exited and were
     * waited for (the parent's cutime and cstime), so workers retired during a run still count.
     */
    static double childrenSeconds(long pid) {
        double alive = ProcessHandle.of(pid).map(p -> p.children().mapToDouble(c -> seconds(c.pid())).sum()).orElse(0.0);
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return alive + (Long.parseLong(f[13]) + Long.parseLong(f[14])) / HZ; // cutime, cstime (fields 16, 17)
        } catch (IOException | RuntimeException e) {
            return alive;
        }
    }

    /** The RabbitMQ server on this machine (its Erlang VM), or -1. */
    static long rabbitPid() {
        return ProcessHandle.allProcesses().filter(p -> isBeam(p.pid()))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    private static boolean isBeam(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).trim().startsWith("beam");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * CPU seconds of this JVM's JIT compiler threads (/proc/self/task, threads named {@code C1/C2
     * CompilerThread}): a part of this JVM's CPU, so a run after too short a warm-up shows where it
     * went. A compiler thread the JVM retired meanwhile takes its seconds with it (an undercount).
     */
    static double jitSeconds() {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            double sum = 0;
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.matches("C[12] CompilerThre.*")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / HZ;
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * A snapshot of named processes' CPU seconds; {@code children:} names sum a process's children, and
     * a {@code jit:} name is this JVM's JIT compiling ({@link #jitSeconds}), its pid ignored.
     */
    static Map<String, Double> snapshot(Map<String, Long> pids) {
        Map<String, Double> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(name, name.startsWith("children:") ? childrenSeconds(pid)
                : name.startsWith("jit:") ? jitSeconds() : seconds(pid)));
        return out;
    }

    /** Microseconds of CPU per job of each process between two snapshots, as one line. */
    static String perJob(Map<String, Double> before, Map<String, Double> after, long jobs) {
        StringBuilder b = new StringBuilder();
        double total = 0;
        for (String name : before.keySet()) {
            double us = (after.get(name) - before.get(name)) * 1e6 / jobs;
            if (name.startsWith("jit:")) { // a part of a process counted already, not added to the total
                b.append(" (of which JIT ").append(Math.round(us)).append(" µs)");
                continue;
            }
            total += us;
            b.append(b.length() == 0 ? "" : ", ").append(name.replace("children:", "")).append(' ')
                    .append(Math.round(us)).append(" µs");
        }
        return b.append(" — total ").append(Math.round(total)).append(" µs per job").toString();
    }
}
