package io.impetus.worker.child;

import io.impetus.worker.protocol.Frames;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import io.impetus.core.job.JobReports;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker process: reads tasks from stdin, runs each, writes the outcome to stdout, one at a
 * time, until stdin closes; while a job runs, its progress and output go to stdout too, as update
 * frames ({@link JobUpdates}). The job's own prints go to stderr (stdout carries the frames). It
 * has no broker credentials and talks to nothing but its node.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        // the job's prints go to stderr (the node's log) and, while it runs, into its own output
        JobOutput output = new JobOutput(new FileOutputStream(FileDescriptor.err));
        PrintStream captured = output.printStream();
        System.setOut(captured);
        System.setErr(captured);
        JobUpdates updates = new JobUpdates(out, output, System::nanoTime);
        JobReports.install(updates);
        Thread ticker = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                updates.tick();
            }
        }, "impetus-job-updates");
        ticker.setDaemon(true);
        ticker.start();
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        long pid = ProcessHandle.current().pid();
        // in java.io.tmpdir, which the node sets to this worker's own scratch folder (removed when it exits);
        // the pid in the name lets a node find it stale should it be anywhere else (StaleScratch)
        Path scratch = Files.createTempDirectory("impetus-worker-" + pid + "-");
        JobInvoker invoker = new JobInvoker(pid, scratch);
        if (Boolean.getBoolean(Training.PROPERTY)) {
            try (JobInvoker training = new JobInvoker(pid, scratch)) { // its loader goes; what it loaded and compiled stays
                Training.run(training, scratch);
            } catch (Exception | LinkageError e) { // a worker untrained still works: its first job is slower
                System.err.println("impetus worker " + pid + ": training failed, going on untrained: " + e);
            }
        }

        updates.write(WorkerOutcome.hello(pid));
        for (WorkerTask task = Frames.read(in, WorkerTask.class); task != null; task = Frames.read(in, WorkerTask.class)) {
            updates.begin(task.jobId());
            WorkerOutcome outcome = invoker.run(task);
            updates.end(); // its last progress and output go before its outcome
            updates.writeOutcome(outcome, task.name());
        }
        System.exit(0);
    }
}
