import com.rabbitmq.client.*;
import java.util.*;

/** A stream open's broker steps, as the coordinator and client make them: one channel (one after another) vs 8. */
public class Probe2 {
    public static void main(String[] a) throws Exception {
        Probe.pid = Long.parseLong(a[0]);
        int n = Integer.parseInt(a[1]);
        String p = "open-probe2-" + ProcessHandle.current().pid() + "-";
        ConnectionFactory f = new ConnectionFactory();
        f.setUri("amqp://impetus:impetus@127.0.0.1:5672/impetus");
        Map<String, Object> prio10 = Map.of("x-max-priority", 10, "x-dead-letter-exchange", "impetus.dead");
        Map<String, Object> results = Map.of("x-expires", 604800000);
        try (Connection c = f.newConnection("open-probe2")) {
            double c0 = Probe.cpu(); Thread.sleep(5000); Probe.baseline = (Probe.cpu() - c0) / 5.0;
            System.out.printf("baseline broker CPU %.1f %% of a core%n", Probe.baseline * 100);
            for (int par : new int[] {1, 8}) {
                String q = p + par + "-";
                Probe.measure("coordinator: jobs queue prio10 + exchange", c, n, par, (ch, i) -> {
                    ch.queueDeclare(q + "jobs-" + i, true, false, false, prio10); ch.exchangeDeclare(q + "results-" + i, "topic", true); });
                Probe.measure("client: exchange+queue+2 binds+passive", c, n, par, (ch, i) -> {
                    ch.exchangeDeclare(q + "results-" + i, "topic", true); ch.queueDeclare(q + "res-" + i, true, false, false, results);
                    ch.queueBind(q + "res-" + i, q + "results-" + i, "c1"); ch.queueBind(q + "res-" + i, q + "results-" + i, "_lost");
                    ch.queueDeclarePassive(q + "res-" + i); });
                Probe.measure("client: channel+qos+consume (kept)", c, n, par, (ch, i) -> {
                    Channel x = c.createChannel(); x.basicQos(500); x.basicConsume(q + "res-" + i, false, new DefaultConsumer(x)); });
                Probe.measure("client check pass: queue+2 binds again+passive", c, n, par, (ch, i) -> {
                    ch.queueDeclare(q + "res-" + i, true, false, false, results);
                    ch.queueBind(q + "res-" + i, q + "results-" + i, "c1"); ch.queueBind(q + "res-" + i, q + "results-" + i, "_lost");
                    ch.queueDeclarePassive(q + "jobs-" + i); });
            }
            for (int par : new int[] {1, 8}) {
                String q = p + par + "-";
                Probe.measure("delete (jobs, res, exchange)", c, n, 8, (ch, i) -> {
                    ch.queueDelete(q + "jobs-" + i); ch.queueDelete(q + "res-" + i); ch.exchangeDelete(q + "results-" + i); });
            }
        }
    }
}
