package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Impetus.run(args);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void writesAProjectWithEveryPlaceholderFilled(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("my-crawler");
        assertThat(run("new", dir.toString(), "--package", "org.acme.crawl")).isZero();

        List<Path> files;
        try (Stream<Path> all = Files.walk(dir)) {
            files = all.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> dir.relativize(p).toString()).contains("pom.xml", "README.md", ".gitignore",
                "src/main/java/org/acme/crawl/WordCount.java", "src/test/java/org/acme/crawl/WordCountTest.java",
                "src/test/java/org/acme/crawl/WordCountIT.java");
        for (Path f : files) {
            assertThat(Files.readString(f)).as(f.toString()).doesNotContain("@@");
        }
        String pom = Files.readString(dir.resolve("pom.xml"));
        assertThat(pom).contains("<artifactId>my-crawler</artifactId>", "<groupId>org.acme.crawl</groupId>",
                "<artifactId>impetus-bom</artifactId>", "<main.class>org.acme.crawl.WordCount</main.class>")
                .doesNotContain("${project.version}");
        assertThat(Files.readString(dir.resolve("src/main/java/org/acme/crawl/WordCount.java")))
                .startsWith("package org.acme.crawl;");
    }

    @Test
    void writesASpringBootApplicationOnTheStartersParent(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("words-web");
        assertThat(run("new", dir.toString(), "--spring-boot", "--package", "org.acme.web")).isZero();

        List<Path> files;
        try (Stream<Path> all = Files.walk(dir)) {
            files = all.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> dir.relativize(p).toString()).contains("pom.xml", ".gitignore",
                "src/main/java/org/acme/web/WordsApplication.java", "src/main/java/org/acme/web/WordJobs.java",
                "src/test/java/org/acme/web/WordsControllerIT.java", "src/main/resources/application.properties");
        for (Path f : files) {
            assertThat(Files.readString(f)).as(f.toString()).doesNotContain("@@");
        }
        assertThat(Files.readString(dir.resolve("pom.xml"))).contains("<artifactId>spring-boot-starter-parent</artifactId>",
                "<artifactId>impetus-spring-boot-starter</artifactId>", "<artifactId>impetus-bom</artifactId>");
    }

    @Test
    void aFolderNameGivesTheDefaultPackage() {
        assertThat(NewCommand.defaultPackage("my-crawler")).isEqualTo("com.example.mycrawler");
        assertThat(NewCommand.defaultPackage("2fast")).isEqualTo("com.example.app2fast");
        assertThat(NewCommand.defaultPackage("class")).isEqualTo("com.example.appclass");
    }

    @Test
    void refusesAFolderThatHasFilesAndSaysWhy(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "mine");
        assertThat(run("new", tmp.toString())).isEqualTo(Impetus.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("exists and is not an empty folder");
        assertThat(Files.readString(tmp.resolve("keep.txt"))).isEqualTo("mine");
    }

    @Test
    void refusesAPackageThatIsNotJava(@TempDir Path tmp) {
        assertThat(run("new", tmp.resolve("x").toString(), "--package", "com.example.class")).isEqualTo(Impetus.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a Java package name");
        assertThat(run("new", tmp.resolve("y").toString(), "--package", "com..x")).isEqualTo(Impetus.USAGE);
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
