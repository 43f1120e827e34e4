package io.impetus.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JvmCommandTest {
    @Test
    void aCommandWithNoOptionsIsJavaClassPathAndMain() {
        List<String> command = JvmCommand.of("a.Main").toList();
        assertThat(command.get(0)).endsWith("java");
        assertThat(command.subList(1, command.size()))
                .containsExactly("-cp", System.getProperty("java.class.path"), "a.Main");
    }

    @Test
    void optionsThenPropertiesThenClassPathMainAndArguments() {
        List<String> command = JvmCommand.of("a.Main").java("/opt/java").role(JvmFlags.Role.SCALER, Map.of()).maxHeap("64m")
                .options(List.of("-Xshare:off")).property("x", "1").classPath("/c/*").args("node", "-m").args(List.of("2"))
                .toList();
        List<String> expected = new ArrayList<>(List.of("/opt/java"));
        expected.addAll(JvmFlags.of(JvmFlags.Role.SCALER, Map.of()));
        expected.addAll(List.of("-Xmx64m", "-Xshare:off", "-Dx=1", "-cp", "/c/*", "a.Main", "node", "-m", "2"));
        assertThat(command).containsExactlyElementsOf(expected);
    }

    @Test
    void aNullRoleAddsNoOptions() {
        assertThat(JvmCommand.of("a.Main").role(null, Map.of()).toList()).hasSize(4);
    }

    @Test
    void theProcessGetsTheGivenVariablesOnlyTheKeptOnesAndTheMallocArenas() {
        Map<String, String> env = JvmCommand.of("a.Main").keepOnlyEnvironment(Set.of("PATH")).env("HOME", "/s")
                .processBuilder().environment();
        assertThat(env).containsEntry("HOME", "/s").containsEntry("MALLOC_ARENA_MAX", "2");
        assertThat(env.keySet()).isSubsetOf("PATH", "HOME", "MALLOC_ARENA_MAX");
    }

    @Test
    void aGivenVariableWinsOverTheDefaults() {
        assertThat(JvmCommand.of("a.Main").env("MALLOC_ARENA_MAX", "4").processBuilder().environment())
                .containsEntry("MALLOC_ARENA_MAX", "4");
    }

    @Test
    void aCommandNeedsAMainClass() {
        assertThatThrownBy(() -> JvmCommand.of(" ")).hasMessageContaining("needs a main class");
    }
}
