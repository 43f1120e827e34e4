package io.impetus.worker.child;

/** A job class a client would ship: JobInvokerTest puts it in a code bundle. */
public final class BundledJobs {
    private BundledJobs() {
    }

    public static int twice(int x) {
        return 2 * x;
    }
}
