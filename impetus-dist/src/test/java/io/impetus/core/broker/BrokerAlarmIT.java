package io.impetus.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.testkit.TestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A memory alarm on the local RabbitMQ (its high watermark set near zero with rabbitmqctl, then put
 * back): the broker blocks the publishing connection, which says so and why, holds the publish,
 * and completes it once the alarm clears. Needs the local broker's rabbitmqctl (CI is root).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BrokerAlarmIT {

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

    @Test
    void aMemoryAlarmBlocksTheConnectionWhichSaysWhyAndPublishesOnceItClears() throws Exception {
        String watermark;
        try {
            watermark = rabbitmqctl("-q", "eval", "vm_memory_monitor:get_vm_memory_high_watermark().");
        } catch (IOException e) {
            Assumptions.abort("no local rabbitmqctl to raise an alarm with: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(watermark.matches("[0-9.]+"), "the watermark is not a plain fraction: " + watermark);
        Broker broker = Brokers.connect(BrokerIT.settings(), "BrokerAlarmIT");
        String queue = TestBroker.uniqueName("it.alarm");
        try {
            broker.declareQueue(QueueSpec.durable(queue));
            assertThat(broker.blocked()).isEmpty();
            rabbitmqctl("set_vm_memory_high_watermark", "0.0000001");
            CompletableFuture<Void> held;
            try {
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        rabbitmqctl("-q", "eval", "rabbit_alarm:get_alarms().").contains("memory"));
                held = broker.publish(OutboundMessage.toQueue(queue).body("during the alarm".getBytes(StandardCharsets.UTF_8))
                        .messageId("m1").build());
                await().atMost(Duration.ofSeconds(20)).until(() -> broker.blocked().isPresent());
                assertThat(broker.blocked().orElseThrow()).containsIgnoringCase("memory");
                Thread.sleep(1000);
                assertThat(held).as("held while blocked").isNotDone();
            } finally {
                rabbitmqctl("set_vm_memory_high_watermark", watermark);
            }
            held.get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.blocked().isEmpty());
            assertThat(broker.inspect(queue).orElseThrow().ready()).isEqualTo(1);
        } finally {
            try {
                broker.deleteQueue(queue, false);
            } finally {
                broker.close();
            }
        }
    }
}
