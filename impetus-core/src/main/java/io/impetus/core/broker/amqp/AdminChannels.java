package io.impetus.core.broker.amqp;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * The channels of a connection's admin steps (declare, bind, delete, inspect): a step takes a free
 * channel, or opens one while fewer than {@code max} are open, else waits for one; a channel the broker
 * closed (a refused step) is dropped and replaced by the next step that needs one. Several threads'
 * steps so run on several channels at once — a coordinator declaring the queues of many streams
 * opened together is limited by the broker's own work on each, not by one channel's round trips
 * one after another. One thread's steps stay in order (each returns when the broker has answered).
 * Thread-safe.
 *
 * @param <C> the channel type (an AMQP {@code Channel}; a plain object in tests)
 */
final class AdminChannels<C> {
    /** Most admin channels a connection opens: about what the broker runs declares on in parallel with gain. */
    static final int DEFAULT_MAX = 8;

    @FunctionalInterface
    interface Opener<C> {
        C open() throws IOException;
    }

    @FunctionalInterface
    interface Step<C, T> {
        T apply(C channel) throws IOException;
    }

    private final int max;
    private final Opener<C> opener;
    private final Predicate<C> isOpen;
    private final Deque<C> free = new ArrayDeque<>();
    private int open;

    AdminChannels(int max, Opener<C> opener, Predicate<C> isOpen) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one admin channel, not " + max);
        }
        this.max = max;
        this.opener = opener;
        this.isOpen = isOpen;
    }

    /** Runs {@code step} on a channel of its own for the step's time; waits while {@code max} are busy. */
    <T> T run(Step<C, T> step) throws IOException {
        C channel = take();
        try {
            return step.apply(channel);
        } finally {
            giveBack(channel);
        }
    }

    /** How many channels are open now (free or busy). */
    synchronized int opened() {
        return open;
    }

    private C take() throws IOException {
        synchronized (this) {
            while (true) {
                C c = free.pollFirst();
                if (c != null) {
                    if (isOpen.test(c)) {
                        return c;
                    }
                    open--;
                    continue;
                }
                if (open < max) {
                    open++;
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for an admin channel", e);
                }
            }
        }
        try {
            return opener.open();
        } catch (IOException | RuntimeException | Error e) {
            synchronized (this) {
                open--;
                notifyAll();
            }
            throw e;
        }
    }

    private synchronized void giveBack(C channel) {
        if (isOpen.test(channel)) {
            free.addFirst(channel); // the most recently used first: the others stay idle, not opened for nothing
        } else {
            open--;
        }
        notifyAll();
    }
}
