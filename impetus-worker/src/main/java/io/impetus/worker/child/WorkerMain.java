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
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker process: reads tasks from stdin, runs each, writes the outcome to stdout, one at a
 * time, until stdin closes. The job's own prints go to stderr (stdout carries the frames). It
 * has no broker credentials and talks to nothing but its node.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(System.err);
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        long pid = ProcessHandle.current().pid();
        // in java.io.tmpdir, which the node sets to this worker's own scratch folder (removed when it exits);
        // the pid in the name lets a node find it stale should it be anywhere else (StaleScratch)
        Path scratch = Files.createTempDirectory("impetus-worker-" + pid + "-");
        JobInvoker invoker = new JobInvoker(pid, scratch);
        if (Boolean.getBoolean(Training.PROPERTY)) {
            Training.run(invoker, scratch);
        }

        Frames.write(out, WorkerOutcome.hello(pid));
        for (WorkerTask task = Frames.read(in, WorkerTask.class); task != null; task = Frames.read(in, WorkerTask.class)) {
            Frames.write(out, invoker.run(task));
        }
        System.exit(0);
    }
}
