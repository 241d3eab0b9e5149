package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --metrics-file} (issue 18, Metrics): the textfile collector's file after every run. */
class MetricsFileTest {
    private static final Instant FIRST = Instant.parse("2026-12-02T10:00:00.250Z");
    private static final Instant SECOND = Instant.parse("2026-12-02T11:00:00Z");

    @TempDir
    Path dir;

    private Path config(String brokenFailure) throws IOException {
        return Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: gh, type: fixture, service: "git\\"hub\\\\x\\nz", adminWithoutMfa: true }
                  - { id: broken, type: fixture%s }
                notifiers:
                  - { id: console, type: console }
                """.formatted(brokenFailure.isEmpty() ? "" : ", failWith: \"" + brokenFailure + "\""));
    }

    private Cli.Result run(Path config, Path file, Instant at) throws Exception {
        try (AutoCloseable env = RunnerEnvironment.replace(Clock.fixed(at, ZoneOffset.UTC), () -> 5L, false)) {
            return Cli.run("run", "--config", config.toString(), "--metrics-file", file.toString(), "--progress", "off");
        }
    }

    @Test
    void everyRunWritesTheFileAtomicallyReadableByNodeExporterAndCountersCarryOn() throws Exception {
        Path file = dir.resolve("mfa-monitor.prom");
        Cli.Result first = run(config("down"), file, FIRST);

        assertThat(first.exitCode()).as(first.toString()).isEqualTo(3);
        String text = Files.readString(file);
        assertThat(text).isEqualTo(expected("1.0", "1.0", "0.0", "0.0", "3.0", "1.79620560025E9", "1.79620560025E9", "",
                "0.0"));
        assertThat(Promtool.checkMetrics(text).exitCode()).as(Promtool.checkMetrics(text).output()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/mfa-state.json"))))
                .isEqualTo("rw-------");

        // The second run: broken recovers (its baseline and a recovery), gh has no change; counters go on from the file.
        Cli.Result second = run(config(""), file, SECOND);

        assertThat(second.exitCode()).as(second.toString()).isZero();
        String after = Files.readString(file);
        assertThat(after).isEqualTo(expected("2.0", "1.0", "1.0", "1.0", "0.0", "1.7962092E9", "1.7962092E9",
                "mfa_monitor_last_success_timestamp_seconds{monitor=\"broken\"} 1.7962092E9\n", "1.0"));
        assertThat(Promtool.checkMetrics(after).exitCode()).isZero();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("no temp file is left").containsExactly("mfa-monitor.prom", "mfa-monitor.yaml", "state");
        }
    }

    /** The file as the Prometheus client's writer prints it; only what differs between the two runs is a parameter. */
    private static String expected(String baseline, String failed, String recovered, String brokenUp, String exitCode,
                                   String lastRun, String ghSuccess, String brokenSuccess, String brokenAccounts) {
        // The writer sorts series by their labels: mfa first, then monitor.
        StringBuilder accounts = new StringBuilder();
        for (String[] status : new String[][] {{"disabled", "2.0"}, {"enabled", "1.0"}, {"not_applicable", "1.0"}, {"unknown", "1.0"}}) {
            if (!brokenAccounts.equals("0.0")) {
                accounts.append("mfa_monitor_accounts{mfa=\"").append(status[0]).append("\",monitor=\"broken\",service=\"fixture\"} 1.0\n");
            }
            accounts.append("mfa_monitor_accounts{mfa=\"").append(status[0]).append("\",monitor=\"gh\",service=\"git\\\"hub\\\\xz\"} ")
                    .append(status[1]).append("\n");
        }
        String brokenAdmins = brokenAccounts.equals("0.0") ? "" : "mfa_monitor_admins_without_mfa{monitor=\"broken\"} 0.0\n";
        return """
                # HELP mfa_monitor_accounts Accounts in the last good snapshot of each monitor, by MFA status (enabled, disabled, not_applicable, unknown).
                # TYPE mfa_monitor_accounts gauge
                """ + accounts + """
                # HELP mfa_monitor_admins_without_mfa Roots, admins and owners without MFA in the last good snapshot, not counting those under an active exception.
                # TYPE mfa_monitor_admins_without_mfa gauge
                """ + brokenAdmins + """
                mfa_monitor_admins_without_mfa{monitor="gh"} 1.0
                # HELP mfa_monitor_events_total Events committed by runs, by type; carried from run to run in the metrics file (README, Metrics).
                # TYPE mfa_monitor_events_total counter
                mfa_monitor_events_total{type="ACCOUNT_REMOVED"} 0.0
                mfa_monitor_events_total{type="BASELINE"} %s
                mfa_monitor_events_total{type="CHANGES_WITHHELD"} 0.0
                mfa_monitor_events_total{type="DELIVERY_ABANDONED"} 0.0
                mfa_monitor_events_total{type="EXCEPTION_EXPIRED"} 0.0
                mfa_monitor_events_total{type="MFA_DISABLED"} 0.0
                mfa_monitor_events_total{type="MFA_ENABLED"} 0.0
                mfa_monitor_events_total{type="MFA_NOT_REQUIRED"} 0.0
                mfa_monitor_events_total{type="MONITOR_FAILED"} %s
                mfa_monitor_events_total{type="MONITOR_RECOVERED"} %s
                mfa_monitor_events_total{type="NEW_ACCOUNT_WITHOUT_MFA"} 0.0
                mfa_monitor_events_total{type="REMINDER"} 0.0
                mfa_monitor_events_total{type="REQUIREMENT_DISABLED"} 0.0
                mfa_monitor_events_total{type="REQUIREMENT_ENABLED"} 0.0
                mfa_monitor_events_total{type="WEAK_MFA"} 0.0
                # HELP mfa_monitor_last_run_exit_code The exit code of the last run (README, exit codes).
                # TYPE mfa_monitor_last_run_exit_code gauge
                mfa_monitor_last_run_exit_code %s
                # HELP mfa_monitor_last_run_timestamp_seconds When the last run ended, in seconds since the epoch.
                # TYPE mfa_monitor_last_run_timestamp_seconds gauge
                mfa_monitor_last_run_timestamp_seconds %s
                # HELP mfa_monitor_last_success_timestamp_seconds When a run last read the monitor completely, in seconds since the epoch.
                # TYPE mfa_monitor_last_success_timestamp_seconds gauge
                %smfa_monitor_last_success_timestamp_seconds{monitor="gh"} %s
                # HELP mfa_monitor_monitor_up 1 when the last run read the monitor completely, 0 when it failed or could not see everything.
                # TYPE mfa_monitor_monitor_up gauge
                mfa_monitor_monitor_up{monitor="broken"} %s
                mfa_monitor_monitor_up{monitor="gh"} 1.0
                # HELP mfa_monitor_pending_deliveries Events still waiting for each notifier after the last run.
                # TYPE mfa_monitor_pending_deliveries gauge
                mfa_monitor_pending_deliveries{notifier="console"} 0.0
                # HELP mfa_monitor_run_duration_seconds How long the last run took.
                # TYPE mfa_monitor_run_duration_seconds gauge
                mfa_monitor_run_duration_seconds 0.0
                """.formatted(baseline, failed, recovered, exitCode, lastRun, brokenSuccess, ghSuccess, brokenUp);
    }

    @Test
    void aMissingDirectoryOrAPortWithoutIntervalIsAUsageError() throws Exception {
        Path config = config("");
        Cli.Result missing = Cli.run("run", "--config", config.toString(), "--metrics-file", dir.resolve("nope/m.prom").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("--metrics-file: the directory " + dir.resolve("nope") + " does not exist");

        Cli.Result port = Cli.run("run", "--config", config.toString(), "--metrics-port", "9300");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.stderr()).contains("--metrics-port needs --interval");

        Cli.Result address = Cli.run("run", "--config", config.toString(), "--metrics-address", "0.0.0.0");
        assertThat(address.exitCode()).isEqualTo(2);
        assertThat(address.stderr()).contains("--metrics-address needs --metrics-port");
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void aPortInUseIsAUsageErrorBeforeAnyRun() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Result result = Cli.run("run", "--config", config("").toString(), "--interval", "1h",
                    "--metrics-port", String.valueOf(taken.getLocalPort()));

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.stderr()).contains("--metrics-port " + taken.getLocalPort() + ": cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + " (", "); choose another --metrics-port or --metrics-address");
            assertThat(dir.resolve("state")).as("no run happened").doesNotExist();
        }
    }

    @Test
    void theRecorderReadsBackEscapedLabelsOfAnEarlierFile() throws Exception {
        Path file = dir.resolve("m.prom");
        Files.writeString(file, String.join("\n", List.of(
                "mfa_monitor_events_total{type=\"MFA_DISABLED\"} 7.0",
                "mfa_monitor_events_total{type=\"plugin \\\"odd\\\" \\\\ type\"} 2.0",
                "mfa_monitor_last_success_timestamp_seconds{monitor=\"gh\"} 1.7962056E9",
                "garbage line", "")));
        MetricsRecorder recorder = MetricsRecorder.create(java.util.Optional.of(file));
        assertThat(recorder.events()).containsOnly(java.util.Map.entry("MFA_DISABLED", 7L),
                java.util.Map.entry("plugin \"odd\" \\ type", 2L));
        assertThat(recorder.lastSuccess()).containsOnly(java.util.Map.entry("gh", Instant.parse("2026-12-02T10:00:00Z")));
    }
}
