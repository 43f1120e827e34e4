package io.impetus.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real resource alarm on the local RabbitMQ, raised with the fault harness's
 * {@code scripts/faults/alarm.sh} (so the setting it replaces is saved in one place, whichever suite
 * raises it) and always put back by {@link #close()}: use it in try-with-resources. While it is on,
 * RabbitMQ blocks every connection that publishes — every test on this broker feels it, so keep it
 * short. Needs root and a local rabbitmqctl (CI has both); elsewhere the test is skipped.
 */
public final class BrokerAlarm implements AutoCloseable {
    public enum Kind { MEMORY, DISK }

    private final Kind kind;

    private BrokerAlarm(Kind kind) {
        this.kind = kind;
    }

    /** Raises the alarm; returns once RabbitMQ has it (alarm.sh waits). */
    public static BrokerAlarm raise(Kind kind) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "raising a broker alarm needs root");
        try {
            rabbitmqctl("-q", "status");
        } catch (IOException e) {
            Assumptions.abort("no local rabbitmqctl to raise an alarm with: " + e.getMessage());
        }
        BrokerAlarm alarm = new BrokerAlarm(kind);
        try {
            Faults.script("alarm.sh", alarm.reasonWord(), "on");
        } catch (IOException | RuntimeException e) {
            alarm.close();
            throw e;
        }
        return alarm;
    }

    /** The word RabbitMQ uses for this alarm in {@code connection.blocked} and in its alarm list. */
    public String reasonWord() {
        return kind == Kind.MEMORY ? "memory" : "disk";
    }

    public boolean isOn() throws Exception {
        return rabbitmqctl("-q", "eval", "rabbit_alarm:get_alarms().").contains(reasonWord());
    }

    /** Puts the setting back; returns once the alarm has cleared (alarm.sh waits). */
    @Override
    public void close() throws IOException {
        Faults.script("alarm.sh", reasonWord(), "off");
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
