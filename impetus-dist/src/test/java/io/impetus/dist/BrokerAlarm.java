package io.impetus.dist;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real resource alarm on the local RabbitMQ, raised with rabbitmqctl and always put back by
 * {@link #close()} (use it in try-with-resources): a memory alarm (the high watermark set near
 * zero) or a disk alarm (the free-disk limit set to a petabyte). While it is on, RabbitMQ blocks
 * every connection that publishes — every test on this broker feels it, so keep it short. Aborts
 * the test when there is no local rabbitmqctl (CI is root on the broker's host).
 */
public final class BrokerAlarm implements AutoCloseable {
    public enum Kind { MEMORY, DISK }

    private final Kind kind;
    private final String saved;

    private BrokerAlarm(Kind kind, String saved) {
        this.kind = kind;
        this.saved = saved;
    }

    /** Raises the alarm and waits until RabbitMQ has it. */
    public static BrokerAlarm raise(Kind kind) throws Exception {
        String saved;
        try {
            saved = rabbitmqctl("-q", "eval", kind == Kind.MEMORY ? "vm_memory_monitor:get_vm_memory_high_watermark()."
                    : "rabbit_disk_monitor:get_disk_free_limit().");
        } catch (IOException e) {
            Assumptions.abort("no local rabbitmqctl to raise an alarm with: " + e.getMessage());
            throw e;
        }
        Assumptions.assumeTrue(saved.matches("[0-9.]+"), "the limit is not a plain number: " + saved);
        BrokerAlarm alarm = new BrokerAlarm(kind, saved);
        try {
            if (kind == Kind.MEMORY) {
                rabbitmqctl("set_vm_memory_high_watermark", "0.0000001");
            } else {
                rabbitmqctl("set_disk_free_limit", "1000000000000000");
            }
            await().atMost(Duration.ofSeconds(30)).until(alarm::isOn);
        } catch (Exception | Error e) {
            alarm.close();
            throw e;
        }
        return alarm;
    }

    /** The words RabbitMQ uses for this alarm in {@code connection.blocked}. */
    public String reasonWord() {
        return kind == Kind.MEMORY ? "memory" : "disk";
    }

    public boolean isOn() throws Exception {
        return rabbitmqctl("-q", "eval", "rabbit_alarm:get_alarms().").contains(kind == Kind.MEMORY ? "memory" : "disk");
    }

    /** Puts the limit back and waits until the alarm has cleared. */
    @Override
    public void close() throws Exception {
        if (kind == Kind.MEMORY) {
            rabbitmqctl("set_vm_memory_high_watermark", saved);
        } else {
            rabbitmqctl("set_disk_free_limit", saved);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !isOn());
    }

    private static String rabbitmqctl(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "rabbitmqctl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
