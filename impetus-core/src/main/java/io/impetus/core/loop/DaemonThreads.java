package io.impetus.core.loop;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories of the daemons' loops: daemon threads, named for what they do. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A daemon thread named {@code name} that runs {@code r}. */
    public static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A factory of daemon threads named {@code name}. */
    public static ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    /** A factory of daemon threads named {@code name-1}, {@code name-2}, … */
    public static ThreadFactory numbered(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(r, name + "-" + n.incrementAndGet());
    }
}
