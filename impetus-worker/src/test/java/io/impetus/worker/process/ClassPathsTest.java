package io.impetus.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassPathsTest {
    @Test
    void spellsOutTheClassPathOfAManifestOnlyJarAsTestRunnersStartThem(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("my app/classes"));
        Path lib = Files.createFile(dir.resolve("lib.jar"));
        Path booter = dir.resolve("boot/booter.jar");
        Files.createDirectories(booter.getParent());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri() + " ../lib.jar");
        try (OutputStream out = Files.newOutputStream(booter); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }

        String expanded = ClassPaths.expand(booter + File.pathSeparator + "/opt/other/*");

        assertThat(List.of(expanded.split(File.pathSeparator)))
                .containsExactly(booter.toString(), classes.toString(), lib.toString(), "/opt/other/*");
    }

    @Test
    void leavesAPlainClassPathAsItIs() {
        assertThat(ClassPaths.expand("/a/classes" + File.pathSeparator + "/b/missing.jar"))
                .isEqualTo("/a/classes" + File.pathSeparator + "/b/missing.jar");
    }
}
