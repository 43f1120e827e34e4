package io.impetus.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmFlagsTest {

    @Test
    void eachPartHasLeanOptionsThatTheEnvironmentReplaces() {
        assertThat(JvmFlags.of(JvmFlags.Role.NODE, Map.of())).contains("-XX:+UseSerialGC").anyMatch(o -> o.startsWith("-Xmx"));
        assertThat(JvmFlags.of(JvmFlags.Role.WORKER, Map.of())).contains("-XX:TieredStopAtLevel=1", "-Xshare:auto");
        assertThat(JvmFlags.of(JvmFlags.Role.NODE, Map.of("IMPETUS_NODE_JAVA_OPTS", "  -Xmx1g   -XX:+UseG1GC ")))
                .containsExactly("-Xmx1g", "-XX:+UseG1GC");
        assertThat(JvmFlags.of(JvmFlags.Role.COORDINATOR, Map.of("IMPETUS_NODE_JAVA_OPTS", "-Xmx1g")))
                .as("another role's variable changes nothing").doesNotContain("-Xmx1g");
    }

    @Test
    void commandsAndTheirAliasesNameTheirRole() {
        assertThat(JvmFlags.Role.ofCommand("queue")).isEqualTo(JvmFlags.Role.COORDINATOR);
        assertThat(JvmFlags.Role.ofCommand("worker")).isEqualTo(JvmFlags.Role.NODE);
        assertThat(JvmFlags.Role.ofCommand("dfs")).isEqualTo(JvmFlags.Role.SCALER);
        assertThat(JvmFlags.Role.ofCommand("streams")).isNull();
    }
}
