package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.PublishDeadline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command reads the process's environment once, where it starts, and every connection uses what it read. */
class ProcessEnvironmentTest {
    private final PublishDeadline before = PublishDeadline.configured();

    @AfterEach
    void restore() {
        PublishDeadline.useForThisProcess(before);
    }

    @Test
    void theConfirmVariablesSetTheDeadlineOfEveryConnectionTheProcessOpens() {
        int code = quietly(Map.of(PublishDeadline.ENV_CONFIRM_TIMEOUT_MS, "5000", PublishDeadline.ENV_CONFIRM_RESENDS,
                "4"), "--help");

        assertThat(code).isZero();
        assertThat(PublishDeadline.configured()).isEqualTo(new PublishDeadline(Duration.ofSeconds(5), 4));
    }

    @Test
    void aBadConfirmVariableIsAUsageErrorNamingIt() {
        PrintStream err = System.err;
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        System.setErr(new PrintStream(text, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Impetus.run(Map.of(PublishDeadline.ENV_CONFIRM_RESENDS, "lots"), "nodes");
        } finally {
            System.setErr(err);
        }

        assertThat(code).isEqualTo(Impetus.USAGE);
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("IMPETUS_CONFIRM_RESENDS must be a whole number");
    }

    private static int quietly(Map<String, String> env, String... args) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return Impetus.run(env, args);
        } finally {
            System.setOut(out);
        }
    }
}
