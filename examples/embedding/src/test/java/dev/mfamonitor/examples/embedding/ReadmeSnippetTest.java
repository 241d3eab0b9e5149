package dev.mfamonitor.examples.embedding;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's embedding code is this module's compiled and tested code: its Java block must be, line for line, the
 * regions of {@link EmbeddingExample} between a {@code // README: name} marker and the next {@code // README: end}
 * (imports, then the engine), each without its common indentation and joined by one blank line.
 */
class ReadmeSnippetTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path SOURCE = MODULE.resolve("src/main/java/dev/mfamonitor/examples/embedding/EmbeddingExample.java");
    private static final Path README = MODULE.resolve("../../README.md").normalize();

    @Test
    void theReadmeShowsTheCompiledExampleVerbatim() throws IOException {
        List<String> regions = regions(Files.readString(SOURCE, StandardCharsets.UTF_8));
        assertThat(regions).as("README regions of EmbeddingExample.java").hasSize(2);

        String expected = String.join("\n", regions);
        assertThat(embeddingBlock(Files.readString(README, StandardCharsets.UTF_8))).isEqualTo(expected);
    }

    @Test
    void theRegionsReachTheEngineAndItsImports() throws IOException {
        List<String> regions = regions(Files.readString(SOURCE, StandardCharsets.UTF_8));

        assertThat(regions.get(0)).contains("import dev.mfamonitor.core.RunEngine;").contains("import java.util.Map;");
        assertThat(regions.get(1)).contains("RunEngine.builder()").contains("engine.run()");
    }

    /** The Java block of the README's "Embedding" section. */
    private static String embeddingBlock(String readme) {
        int section = readme.indexOf("\n## Embedding");
        assertThat(section).as("the README's Embedding section").isPositive();
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find(section)).as("a ```java block in the Embedding section").isTrue();
        return block.group(1);
    }

    /** Each marked region, dedented, ending in a newline. */
    static List<String> regions(String source) {
        List<String> regions = new ArrayList<>();
        List<String> current = null;
        for (String line : source.lines().toList()) {
            String marker = line.trim();
            if (marker.startsWith("// README: ")) {
                if (marker.equals("// README: end")) {
                    regions.add(dedent(current));
                    current = null;
                } else {
                    current = new ArrayList<>();
                }
            } else if (current != null) {
                current.add(line);
            }
        }
        assertThat(current).as("an unclosed README region").isNull();
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return text.toString();
    }
}
