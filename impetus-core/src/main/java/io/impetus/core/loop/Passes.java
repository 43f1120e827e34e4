package io.impetus.core.loop;

import io.impetus.core.error.ImpetusException;
import org.slf4j.Logger;

/**
 * The one "log and keep running" wrapper of every daemon loop's pass: a pass that fails is logged
 * and the step runs again at its next time. An expected failure ({@link ImpetusException}: the broker
 * down, say) is a WARN without a stack trace, anything else an ERROR.
 */
public final class Passes {
    private Passes() {
    }

    /** Runs {@code step} once; what it throws is logged as {@code role: what failed}. */
    public static void safely(Logger log, String role, String what, Runnable step) {
        try {
            step.run();
        } catch (ImpetusException e) {
            log.warn("{}: {} failed ({}); trying again next pass", role, what, e.getMessage());
        } catch (Throwable t) {
            log.error("{}: {} failed; trying again next pass", role, what, t);
        }
    }

    /** {@code step} wrapped by {@link #safely}, for a timer. */
    public static Runnable guarded(Logger log, String role, String what, Runnable step) {
        return () -> safely(log, role, what, step);
    }
}
