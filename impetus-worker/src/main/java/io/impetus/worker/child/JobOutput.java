package io.impetus.worker.child;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the running job prints, captured: {@code System.out} and {@code System.err} of the worker
 * write through this to the worker's stderr (the node's log, as before) and, while a job runs, into
 * that job's buffer, which {@link #take} empties. At most {@link #MAX_PER_JOB} bytes of a job's output
 * are kept; beyond that one line says so and the rest goes only to the node's log. Thread-safe.
 */
final class JobOutput extends OutputStream {
    /** The most bytes of one job's output that travel with its updates. */
    static final int MAX_PER_JOB = 256 * 1024;
    static final String CUT = "\n[impetus: output beyond 256 KiB goes only to the node's log]\n";

    private final OutputStream through;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean capturing;
    private long kept;
    private boolean cut;

    JobOutput(OutputStream through) {
        this.through = through;
    }

    /** A print stream over this, for {@code System.setOut} and {@code System.setErr}. */
    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    /** A job starts: its output is captured from now. */
    synchronized void begin() {
        pending.reset();
        capturing = true;
        kept = 0;
        cut = false;
    }

    /** The job ended: what it printed after this is not its own. */
    synchronized void end() {
        capturing = false;
    }

    /** What the job printed since the last call, or {@code null} when nothing. */
    synchronized String take() {
        if (pending.size() == 0) {
            return null;
        }
        String text = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return text;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        try {
            through.write(b, off, len);
        } catch (IOException e) {
            // the node's log pipe is gone: the node is going too
        }
        if (!capturing || cut) {
            return;
        }
        int room = (int) Math.min(len, MAX_PER_JOB - kept);
        pending.write(b, off, room);
        kept += room;
        if (room < len) {
            pending.writeBytes(CUT.getBytes(StandardCharsets.UTF_8));
            cut = true;
        }
    }

    @Override
    public void flush() {
        try {
            through.flush();
        } catch (IOException e) {
            // as above
        }
    }
}
