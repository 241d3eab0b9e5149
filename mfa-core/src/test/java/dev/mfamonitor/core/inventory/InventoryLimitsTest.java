package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.ScanRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Input that is too big, or not a file at all, is refused before it costs memory or time; big inventories stream. */
class InventoryLimitsTest {
    private static final ScanRequest SCAN = new ScanRequest(Optional.empty(), true,
            Deadline.after(Duration.ofMinutes(1), System::nanoTime));

    @TempDir
    Path dir;

    @Test
    void aFieldOverTheLimitIsRefusedWithoutShowingIt() throws Exception {
        String longName = "n".repeat(InventoryText.MAX_FIELD_CHARS + 1);
        Path csv = write("hr.csv", "id,name,mfa\n1,alice,enabled\n2," + longName + ",disabled\n");
        Path yaml = write("hr.yaml", "accounts:\n  - {id: 1, name: alice, mfa: enabled}\n  - {id: 2, name: " + longName
                + ", mfa: enabled}\n");

        assertThatThrownBy(() -> monitor(csv).snapshot(SCAN)).isInstanceOf(InventoryException.class)
                .hasMessage("inventory hr.csv line 3: name is 2049 characters long, more than the 2048 an inventory "
                        + "accepts; check that the file is an account list");
        assertThatThrownBy(() -> monitor(yaml).snapshot(SCAN)).isInstanceOf(InventoryException.class)
                .hasMessage("inventory hr.yaml line 3: name is 2049 characters long, more than the 2048 an inventory "
                        + "accepts; check that the file is an account list");
    }

    @Test
    void aFieldAtTheLimitIsAccepted() throws Exception {
        String name = "n".repeat(InventoryText.MAX_FIELD_CHARS);
        Path csv = write("hr.csv", "id,name,mfa\n1," + name + ",enabled\n");

        assertThat(monitor(csv).snapshot(SCAN).accounts().get(0).name()).isEqualTo(name);
    }

    @Test
    void aHugeLineIsRefusedWhileItIsRead() throws Exception {
        // 8 MB in one "name": refused at 64 Ki characters, before a parser buffers the rest.
        String huge = "x".repeat(8 * 1024 * 1024);
        Path csv = write("hr.csv", "id,name,mfa\n1,alice,enabled\n2," + huge + ",enabled\n");
        Path yaml = write("hr.yaml", "accounts:\n  - id: 1\n    name: " + huge + "\n    mfa: enabled\n");

        assertThatThrownBy(() -> monitor(csv).snapshot(SCAN)).isInstanceOf(InventoryException.class)
                .hasMessage("inventory hr.csv line 3: the line is longer than 65536 characters; an inventory has one "
                        + "short entry a line, check that the file is an account list");
        assertThatThrownBy(() -> monitor(yaml).snapshot(SCAN)).isInstanceOf(InventoryException.class)
                .hasMessage("inventory hr.yaml line 3: the line is longer than 65536 characters; an inventory has one "
                        + "short entry a line, check that the file is an account list");
    }

    @Test
    void aFifoIsRefusedAtOnceInsteadOfBlockingTheRun() throws Exception {
        Path fifo = dir.resolve("accounts.csv");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> monitor(fifo).snapshot(SCAN)).isInstanceOf(InventoryException.class)
                        .hasMessage("inventory file " + fifo.toAbsolutePath() + " cannot be read (it is not a regular file "
                                + "but a device, pipe or socket); check 'path' of monitor 'big'"));
    }

    @Test
    void aDirectoryIsNamedAsOne() {
        assertThatThrownBy(() -> monitor(Files.createDirectory(dir.resolve("accounts.yaml"))).snapshot(SCAN))
                .isInstanceOf(InventoryException.class)
                .hasMessage("inventory file " + dir.resolve("accounts.yaml").toAbsolutePath() + " cannot be read (it is a "
                        + "directory); check 'path' of monitor 'big'");
    }

    /**
     * A million-row export read in a child JVM whose heap holds the accounts but not the file's text beside them: the
     * reader before streaming needed more than 320 MB here (the text, its copy and a line table next to the accounts).
     */
    @Test
    void aMillionRowCsvIsReadWithASmallHeap() throws Exception {
        Path csv = dir.resolve("export.csv");
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("id,name,mfa,kind\n");
            for (int i = 0; i < 1_000_000; i++) {
                out.write(i + ",user-" + i + "@example.com," + (i % 7 == 0 ? "disabled" : "enabled") + ",user\n");
            }
        }

        assertThat(readInChildJvm(csv, "320m")).isEqualTo("accounts=1000000");
    }

    /** The YAML reader before streaming built SnakeYAML's node tree: 300,000 entries did not fit in 256 MB. */
    @Test
    void aBigYamlInventoryIsReadAsAStream() throws Exception {
        Path yaml = dir.resolve("export.yaml");
        try (BufferedWriter out = Files.newBufferedWriter(yaml, StandardCharsets.UTF_8)) {
            out.write("service: hr\naccounts:\n");
            for (int i = 0; i < 300_000; i++) {
                out.write("  - {id: " + i + ", name: user-" + i + "@example.com, mfa: " + (i % 7 == 0 ? "disabled" : "enabled")
                        + "}\n");
            }
        }

        assertThat(readInChildJvm(yaml, "160m")).isEqualTo("accounts=300000");
    }

    private static String readInChildJvm(Path file, String heap) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx" + heap, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), ReadInventoryMain.class.getName(), file.toString())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static InventoryMonitor monitor(Path file) {
        return new InventoryMonitor("big", file, Optional.empty(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
