import com.rabbitmq.client.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/** Broker CPU per operation: beam.smp's utime+stime delta while this program does N of one operation. */
public class Probe {
    static long pid;
    static double cpu() throws Exception {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime (fields 14, 15)
    }
    static double baseline; // broker CPU s per wall s with nothing of ours going on
    interface Op { void run(Channel ch, int i) throws Exception; }

    static void measure(String what, Connection c, int n, int par, Op op) throws Exception {
        List<Channel> chs = new ArrayList<>();
        for (int i = 0; i < par; i++) chs.add(c.createChannel());
        ExecutorService ex = Executors.newFixedThreadPool(par);
        double c0 = cpu(); long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int p = 0; p < par; p++) {
            int pp = p;
            fs.add(ex.submit(() -> { for (int i = pp; i < n; i += par) op.run(chs.get(pp), i); return null; }));
        }
        for (Future<?> f : fs) f.get();
        double wall = (System.nanoTime() - t0) / 1e9, used = cpu() - c0;
        ex.shutdown();
        for (Channel ch : chs) if (ch.isOpen()) ch.close();
        System.out.printf("%-46s n=%d par=%d wall %.2f s (%.2f ms each) broker CPU %.2f s -> %.2f ms each (baseline-subtracted %.2f ms)%n",
                what, n, par, wall, wall * 1000 / n, used, used * 1000 / n, (used - baseline * wall) * 1000 / n);
    }

    public static void main(String[] a) throws Exception {
        pid = Long.parseLong(a[0]);
        int n = Integer.parseInt(a[1]);
        int idle = Integer.parseInt(a[2]);
        String p = "open-probe-" + ProcessHandle.current().pid() + "-";
        ConnectionFactory f = new ConnectionFactory();
        f.setUri("amqp://impetus:impetus@127.0.0.1:5672/impetus");
        try (Connection c = f.newConnection("open-probe")) {
            double c0 = cpu(); Thread.sleep(5000); baseline = (cpu() - c0) / 5.0;
            System.out.printf("baseline broker CPU %.1f %% of a core%n", baseline * 100);
            Map<String, Object> prio10 = Map.of("x-max-priority", 10, "x-dead-letter-exchange", "impetus.dead");
            Map<String, Object> results = Map.of("x-expires", 604800000);
            measure("declare jobs queue (durable, x-max-priority 10)", c, n, 8, (ch, i) -> ch.queueDeclare(p + "jobs-" + i, true, false, false, prio10));
            measure("declare results exchange (topic, durable)", c, n, 8, (ch, i) -> ch.exchangeDeclare(p + "results-" + i, "topic", true));
            measure("declare results queue (durable, x-expires)", c, n, 8, (ch, i) -> ch.queueDeclare(p + "res-" + i, true, false, false, results));
            measure("bind results queue (x2: client key, _lost)", c, n, 8, (ch, i) -> { ch.queueBind(p + "res-" + i, p + "results-" + i, "c1"); ch.queueBind(p + "res-" + i, p + "results-" + i, "_lost"); });
            measure("passive declare of a jobs queue", c, n, 8, (ch, i) -> ch.queueDeclarePassive(p + "jobs-" + i));
            measure("redeclare results queue (same args)", c, n, 8, (ch, i) -> ch.queueDeclare(p + "res-" + i, true, false, false, results));
            measure("channel open+qos+consume+cancel+close", c, n, 8, (ch, i) -> {
                Channel x = c.createChannel(); x.basicQos(500); String tag = x.basicConsume(p + "res-" + i, false, new DefaultConsumer(x)); x.basicCancel(tag); x.close(); });
            measure("qos+consume+cancel on a shared channel", c, n, 8, (ch, i) -> {
                ch.basicQos(10); String tag = ch.basicConsume(p + "jobs-" + i, false, new DefaultConsumer(ch)); ch.basicCancel(tag); });
            // idle: the queues (N jobs prio10 + N results) and N consumers on the results queues, for `idle` s
            List<Channel> cons = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (i % 100 == 0) cons.add(c.createChannel());
                cons.get(cons.size() - 1).basicConsume(p + "jobs-" + i, false, new DefaultConsumer(cons.get(cons.size() - 1)));
            }
            double i0 = cpu(); long t0 = System.nanoTime(); Thread.sleep(idle * 1000L);
            double w = (System.nanoTime() - t0) / 1e9, used = cpu() - i0;
            System.out.printf("idle %d prio10 jobs queues with a consumer each + %d results queues + %d exchanges, %.0f s: broker %.1f %% of a core (baseline %.1f %%) -> %.2f ms CPU per stream per second above baseline%n",
                    n, n, n, w, used / w * 100, baseline * 100, (used / w - baseline) * 1000 / n);
            for (Channel ch : cons) ch.close();
            measure("delete queues and exchanges", c, n, 8, (ch, i) -> { ch.queueDelete(p + "jobs-" + i); ch.queueDelete(p + "res-" + i); ch.exchangeDelete(p + "results-" + i); });
            c0 = cpu(); Thread.sleep(5000);
            System.out.printf("baseline after: %.1f %% of a core%n", (cpu() - c0) / 5.0 * 100);
        }
    }
}
