package io.impetus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientsRunTest {
    private static Measured.Cost cost() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("rabbitmq", 3.0);
        cpu.put("client", 2.0);
        Map<String, Long> rss = new LinkedHashMap<>();
        rss.put("rabbitmq", 200L * 1024);
        rss.put("client", 300L * 1024);
        return new Measured.Cost(cpu, rss, new BrokerUse(52, 104, 9));
    }

    @Test
    void rowsCompareWithOneClient() {
        ClientsRun.Row one = new ClientsRun.Row(1, 1, 20_000, 5.0, 5.0, cost());
        ClientsRun.Row many = new ClientsRun.Row(50, 50, 20_000, 5.0, 8.0, cost());
        assertThat(many.line(one.jobsPerSecond())).startsWith("50 clients, 50 streams: 20000 jobs in 8.0 s (2500 jobs/s,"
                + " 0.63 × one client)").contains("broker 52 connections, 104 channels, 9 queues");
        String table = Report.clientsTable(List.of(one, many));
        assertThat(table).contains("| 1 client, 1 stream × 20000 jobs | 4000 |  | 5.0 s | 3.0, 2.0 | 300 | 52 / 104 / 9 |",
                "| 50 clients, 50 streams × 20000 jobs | 2500 | 0.63 | 8.0 s |");
    }

    @Test
    void aCountTheManagementApiDidNotGiveShowsAsUnknown() {
        BrokerUse unknown = new BrokerUse(21, BrokerUse.UNKNOWN, BrokerUse.UNKNOWN);
        assertThat(unknown.words()).isEqualTo("21 connections, ? channels, ? queues");
        assertThat(unknown.max(new BrokerUse(3, 40, 7)).cells()).isEqualTo("21 / 40 / 7");
    }
}
