package io.impetus.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a bench row costs, from {@link #begin} to {@link #end}: each named process's CPU seconds, its
 * peak resident memory (sampled every second) and the broker's connections, channels and queues of
 * this run at their peak (sampled every five seconds and once at the end).
 */
final class Measured {
    /** CPU seconds and peak RSS by process name ({@code children:} names sum a process's children), and the broker. */
    record Cost(Map<String, Double> cpuSeconds, Map<String, Long> peakRssKb, BrokerUse broker, long brokerPeakFds) {
        Cost(Map<String, Double> cpuSeconds, Map<String, Long> peakRssKb, BrokerUse broker) {
            this(cpuSeconds, peakRssKb, broker, -1);
        }
    }

    private final Map<String, Long> pids;
    private final Supplier<BrokerUse> brokerUse;
    private final Map<String, Double> cpuBefore;
    private final Map<String, Long> peak = new LinkedHashMap<>();
    private final BrokerUse[] broker = {new BrokerUse(0, BrokerUse.UNKNOWN, BrokerUse.UNKNOWN)};
    private final Sampler sampler = new Sampler();
    /** The broker's open file descriptors at their peak (all of its users', not this run's alone); -1 unknown. */
    private final AtomicLong peakFds = new AtomicLong(-1);

    private Measured(Map<String, Long> pids, Supplier<BrokerUse> brokerUse) {
        this.pids = pids;
        this.brokerUse = brokerUse;
        this.cpuBefore = Cpu.snapshot(pids);
    }

    /** Starts measuring {@code pids} and the broker use {@code brokerUse} reports. */
    static Measured begin(Map<String, Long> pids, Supplier<BrokerUse> brokerUse) {
        Measured m = new Measured(pids, brokerUse);
        m.sampler.start();
        return m;
    }

    /** Stops sampling (the broker is asked once more first) and returns the cost since {@link #begin}. */
    Cost end() throws InterruptedException {
        try {
            BrokerUse now = brokerUse.get();
            synchronized (broker) {
                broker[0] = broker[0].max(now);
            }
        } catch (RuntimeException e) { // a busy management API: the samples taken so far stand
            System.err.println("impetus bench: broker sample failed: " + e.getMessage());
        }
        sampler.interrupt();
        sampler.join();
        Map<String, Double> cpuAfter = Cpu.snapshot(pids);
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpuBefore.forEach((name, s) -> cpu.put(name, cpuAfter.get(name) - s));
        synchronized (peak) {
            return new Cost(cpu, new LinkedHashMap<>(peak), broker[0], peakFds.get());
        }
    }

    /** Samples resident memory every second and the broker every five, keeping the peaks. */
    private final class Sampler extends Thread {
        Sampler() {
            super("bench-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            for (long tick = 0; !isInterrupted(); tick++) {
                synchronized (peak) {
                    pids.forEach((name, pid) -> peak.merge(name, name.startsWith("children:")
                            ? Rss.childrenKb(pid)[0] : Rss.kb(pid), Math::max));
                }
                Long rabbit = pids.get("rabbitmq");
                if (rabbit != null) {
                    peakFds.accumulateAndGet(Fds.count(rabbit), Math::max);
                }
                if (tick % 5 == 1) {
                    try {
                        BrokerUse now = brokerUse.get();
                        synchronized (broker) {
                            broker[0] = broker[0].max(now);
                        }
                    } catch (RuntimeException e) {
                        System.err.println("impetus bench: broker sample failed: " + e.getMessage());
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
