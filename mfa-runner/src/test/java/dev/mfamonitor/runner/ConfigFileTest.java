package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.spi.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The configuration file: errors that never quote it, and limits checked before it is parsed. */
class ConfigFileTest {
    private static final String TOKEN = "ghp_CANARYconfigFILE0123456789";
    private static final String VALID = """
            state: { type: file, path: ./state/mfa-state.json }
            monitors:
              - { id: quickstart, type: inventory, path: accounts.yaml }
            notifiers:
              - { id: console, type: console }
            """;

    @TempDir
    Path dir;

    @Test
    void aValidFileLoads() throws IOException {
        Configuration configuration = ConfigFile.load(write(VALID), name -> null);

        assertThat(configuration.monitors()).extracting(c -> c.id()).containsExactly("quickstart");
    }

    @Test
    void aYamlSyntaxErrorNamesTheLineButNeverQuotesTheFile() throws IOException {
        Path file = write("""
                monitors:
                  - id: github
                    type: github
                    token: %s
                      organization: acme
                """.formatted(TOKEN));

        assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + file + " is not valid YAML at line 5 column 19: mapping values are not "
                        + "allowed here; check the indentation, and quote values that contain ': ' or ' #'")
                .message().doesNotContain(TOKEN).doesNotContain("organization");
    }

    @Test
    void anUnclosedQuoteAroundASecretIsNotQuotedEither() throws IOException {
        Path file = write("monitors:\n  - id: github\n    token: \"" + TOKEN + "\n");

        assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("configuration file " + file + " is not valid YAML at line ")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void aRepeatedKeyIsNamedWithoutItsValue() throws IOException {
        Path file = write("state: { type: file, path: ./state.json }\nmonitors: []\nstate: { type: file, path: " + TOKEN + " }\n");

        assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .hasMessageStartingWith("configuration file " + file + " is not valid YAML at line 3")
                .hasMessageContaining("repeated key 'state'")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void yesWhereADurationBelongsSaysHowToWriteOne() throws IOException {
        Path file = write(VALID + "policy:\n  remind: yes\n");

        assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": policy.remind: 'yes' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");
    }

    @Test
    void yesAndNoStayWordsOnlyTrueAndFalseAreBooleans() throws IOException {
        Configuration configuration = ConfigFile.load(write("""
                state: { type: file, path: ./state/mfa-state.json }
                monitors:
                  - { id: quickstart, type: inventory, path: accounts.yaml, a: yes, b: on, c: true }
                notifiers:
                  - { id: console, type: console }
                """), name -> null);

        var monitor = configuration.monitors().get(0);
        assertThat(monitor.string("a")).isEqualTo("yes");
        assertThat(monitor.string("b")).isEqualTo("on");
        assertThat(monitor.bool("c", false)).isTrue();
        assertThatThrownBy(() -> monitor.bool("a", false))
                .hasMessage("monitor 'quickstart' (type inventory): property 'a': 'yes' is not valid; expected true or false");
    }

    @Test
    void aFileOverOneMebibyteIsRefusedBeforeItIsRead() throws IOException {
        Path file = dir.resolve("huge.yaml");
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(50L * 1024 * 1024); // sparse: nothing is parsed, so this is instant
        }

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + file + " is more than 1 MiB (52428800 bytes); a configuration is a few "
                        + "kilobytes: keep inventories in their own files and secrets in ${file:} references"));
    }

    @Test
    void aLongLineIsRefusedBeforeItIsParsed() throws IOException {
        // A 900 KB plain scalar took about a second to scan; refused without parsing.
        Path file = write(VALID + "policy:\n  remind: " + "x".repeat(900_000) + "\n");

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + file + " line 7 is longer than 65536 characters; no value of a "
                        + "configuration is that long (read big values with ${file:PATH})"));
    }

    @Test
    void aLongValueOverManyLinesIsRefusedNamingItsKey() throws IOException {
        Path file = write("""
                state: { type: file, path: ./state/mfa-state.json }
                monitors:
                  - id: quickstart
                    type: inventory
                    path: accounts.yaml
                    blob: |
                %s
                notifiers:
                  - { id: console, type: console }
                """.formatted(("      " + "y".repeat(1000) + "\n").repeat(70).stripTrailing()));

        assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + file + ": the value of 'monitors[0].blob' is 70070 characters long, "
                        + "more than the 65536 a value may have");
    }

    @Test
    void aFifoIsRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("config.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> ConfigFile.load(fifo, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + fifo + " is not a regular file (a device, pipe or socket); pass a file "
                        + "with --config"));
    }

    @Test
    void aMissingFileSaysWhatToDo() {
        Path file = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigFile.load(file, name -> null))
                .hasMessage("configuration file " + file + " does not exist; pass the right path with --config");
    }

    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(dir, "mfa-monitor", ".yaml");
        Files.writeString(file, content);
        return file;
    }
}
