package com.example.mfa.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PLUGINS.md shows code that compiles and works: every Java block of the page is a verbatim piece of this module's
 * sources (compiled and tested by the build), the two example plugins are shown whole, and their services files as
 * they are. Change the code and the page together.
 */
class PluginsDocTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("mfa.repo", "../..")).toAbsolutePath().normalize();
    private static final Path MODULE = REPOSITORY.resolve("examples/plugin-docs");
    private static final Path MONITOR = MODULE.resolve("src/main/java/com/example/mfa/mattermost/MattermostMonitorProvider.java");
    private static final Path NOTIFIER = MODULE.resolve("src/main/java/com/example/mfa/ntfy/NtfyNotifierProvider.java");

    @Test
    void theTwoExamplePluginsAreShownWhole() throws IOException {
        List<String> blocks = blocks("java");

        assertThat(blocks).as("PLUGINS.md shows " + MODULE.relativize(MONITOR) + " whole").contains(read(MONITOR));
        assertThat(blocks).as("PLUGINS.md shows " + MODULE.relativize(NOTIFIER) + " whole").contains(read(NOTIFIER));
    }

    @Test
    void theMonitorPluginIsAtMostSixtyLines() throws IOException {
        assertThat(read(MONITOR).lines().count()).isLessThanOrEqualTo(60);
    }

    @Test
    void everyJavaBlockIsAPieceOfCompiledSource() throws IOException {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MODULE.resolve("src"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.add(read(file));
            }
        }
        List<String> blocks = blocks("java");
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
        for (String block : blocks) {
            assertThat(sources).as("a Java block of PLUGINS.md that is in no source of examples/plugin-docs:%n%s", block)
                    .anyMatch(source -> source.contains(block));
        }
    }

    @Test
    void theServicesFilesAreShownAsTheyAre() throws IOException {
        List<String> blocks = blocks("");
        for (String kind : List.of("dev.mfamonitor.spi.MonitorProvider", "dev.mfamonitor.spi.NotifierProvider")) {
            String services = read(MODULE.resolve("src/main/resources/META-INF/services/" + kind));
            assertThat(blocks).as("PLUGINS.md shows META-INF/services/" + kind).contains(services);
        }
    }

    /** The fenced blocks of PLUGINS.md in {@code language} ("" for blocks without one), each ending with a newline. */
    private static List<String> blocks(String language) throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : read(REPOSITORY.resolve("PLUGINS.md")).split("\n", -1)) {
            if (block == null && line.startsWith("```")) {
                block = line.substring(3).trim().equals(language) ? new StringBuilder() : null;
                if (block == null) {
                    block = new StringBuilder("\u0000");   // another language: read past it
                }
            } else if (block != null && line.equals("```")) {
                if (block.indexOf("\u0000") != 0) {
                    blocks.add(block.toString());
                }
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
