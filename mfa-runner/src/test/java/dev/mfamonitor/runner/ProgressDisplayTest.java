package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Scan progress on standard error (issue 18, Progress), on a fake clock and a fake terminal flag. */
class ProgressDisplayTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final List<String> logged = new ArrayList<>();

    private ProgressDisplay display(ProgressDisplay.Mode mode) {
        return new ProgressDisplay(mode, List.of("github-acme", "aws-prod"), new PrintStream(terminal, true, StandardCharsets.UTF_8),
                logged::add, now::get);
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void withoutATerminalALineEveryThirtySecondsInConfigurationOrder() {
        ProgressDisplay display = display(ProgressDisplay.Mode.log);
        display.forMonitor("aws-prod").read(100, "users");
        advance(Duration.ofSeconds(29));
        display.forMonitor("github-acme").read(3, "pages");
        assertThat(logged).as("not before 30 s").isEmpty();
        advance(Duration.ofSeconds(1));
        display.forMonitor("github-acme").read(4, "pages");
        advance(Duration.ofSeconds(10));
        display.forMonitor("aws-prod").read(1200, "users");
        advance(Duration.ofSeconds(20));
        display.forMonitor("aws-prod").read(2500, "users");
        display.finish();

        assertThat(logged).containsExactly(
                "scan progress: github-acme 4 pages read, aws-prod 100 users read",
                "scan progress: github-acme 4 pages read, aws-prod 2,500 users read");
        assertThat(terminal.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void onATerminalALiveLinePerMonitorRedrawnInPlace() {
        ProgressDisplay display = display(ProgressDisplay.Mode.live);
        display.forMonitor("aws-prod").read(100, "users");
        display.forMonitor("github-acme").read(1, "pages"); // within 100 ms: not drawn yet
        advance(Duration.ofMillis(100));
        display.forMonitor("github-acme").read(2, "pages");
        display.forMonitor("github-acme").read(3, "pages\u001b[2J");
        display.finish();

        assertThat(terminal.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\u001b[2Kaws-prod: 100 users read\n"
                + "\u001b[1F\u001b[2Kgithub-acme: 2 pages read\n\u001b[2Kaws-prod: 100 users read\n"
                + "\u001b[2F\u001b[2Kgithub-acme: 3 pages[2J read\n\u001b[2Kaws-prod: 100 users read\n");
        assertThat(logged).isEmpty();
    }

    @Test
    void offShowsNothingAndAutoFollowsTheTerminalFlag() {
        ProgressDisplay display = display(ProgressDisplay.Mode.off);
        display.forMonitor("aws-prod").read(100, "users");
        advance(Duration.ofMinutes(5));
        display.forMonitor("aws-prod").read(200, "users");
        display.finish();
        assertThat(terminal.size()).isZero();
        assertThat(logged).isEmpty();

        assertThat(ProgressDisplay.resolve(ProgressDisplay.Mode.auto, true)).isEqualTo(ProgressDisplay.Mode.live);
        assertThat(ProgressDisplay.resolve(ProgressDisplay.Mode.auto, false)).isEqualTo(ProgressDisplay.Mode.log);
        assertThat(ProgressDisplay.resolve(ProgressDisplay.Mode.off, true)).isEqualTo(ProgressDisplay.Mode.off);
    }

    /** The CLI hands the engine's monitors the display: a check whose monitor reads 4 pages of 12 s each logs at 36 s. */
    @Test
    void checkShowsTheProgressMonitorsReport() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("progress");
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: gh, type: fixture, progressPages: 4 }
                notifiers:
                  - { id: console, type: console }
                """);
        Cli.Result check;
        try (AutoCloseable env = RunnerEnvironment.replace(Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC),
                FixtureMonitorProvider.testTime::get, false)) {
            check = Cli.run("check", "--config", config.toString(), "--format", "json");
        }
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.stderr().lines().filter(l -> l.contains("scan progress")).map(l -> l.replaceFirst("^\\S+ ", "")))
                .containsExactly("INFO  CheckCommand - scan progress: gh 3 pages read");

        Cli.Result live;
        try (AutoCloseable env = RunnerEnvironment.replace(Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC),
                FixtureMonitorProvider.testTime::get, true)) {
            live = Cli.run("check", "--config", config.toString(), "--format", "json");
        }
        assertThat(live.stderr()).contains("\u001b[2Kgh: 1 pages read\n\u001b[1F\u001b[2Kgh: 2 pages read\n"
                + "\u001b[1F\u001b[2Kgh: 3 pages read\n\u001b[1F\u001b[2Kgh: 4 pages read\n");
    }
}
