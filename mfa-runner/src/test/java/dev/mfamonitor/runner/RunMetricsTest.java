package dev.mfamonitor.runner;

import dev.mfamonitor.core.Exemption;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.MonitorState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The figures of one run, without a CLI around them. */
class RunMetricsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static final Snapshot SNAPSHOT = Snapshot.of("github", NOW, List.of(
            new Account("1", "root", "root", MfaStatus.DISABLED),
            new Account("2", "break-glass", "member", MfaStatus.DISABLED, "", Map.of("role", "admin")),
            new Account("3", "alice", "member", MfaStatus.DISABLED, "", Map.of("role", "member")),
            new Account("4", "owner", "member", MfaStatus.ENABLED, "", Map.of("role", "owner"))));

    private static RunReport report(ExitCode code, Map<String, MonitorState> monitors, List<ChangeEvent> events) {
        return new RunReport(code, "", events, Map.of(), Map.of(), Map.of("gone-notifier", 2), Map.of(), monitors);
    }

    private static String series(RunMetrics metrics) {
        return String.join("\n", metrics.text().lines().filter(l -> !l.startsWith("#") && !l.contains("events_total")).toList());
    }

    @Test
    void exemptedAdminsAreNotCountedDurationsAreSecondsAndUnconfiguredNotifiersStillCount() {
        Policy policy = Policy.defaults().withExemptions(List.of(
                new Exemption("gh", "break-glass", "sealed envelope", Optional.of(LocalDate.of(2027, 1, 1)))));
        MonitorState good = new MonitorState(Optional.of(SNAPSHOT), 0, Optional.empty(), Map.of());
        ChangeEvent disabled = ChangeEvent.builder(EventType.MFA_DISABLED, "gh", "github", NOW).account(SNAPSHOT.accounts().get(2))
                .previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED).build();

        RunMetrics metrics = RunMetrics.of(report(ExitCode.INCOMPLETE, Map.of("gh", good), List.of(disabled, disabled)),
                List.of("gh"), List.of("slack"), policy, NOW, Duration.ofMillis(1500), Map.of("removed-monitor", NOW),
                Map.of("MFA_DISABLED", 40L));

        assertThat(series(metrics)).isEqualTo("""
                mfa_monitor_accounts{mfa="disabled",monitor="gh",service="github"} 3.0
                mfa_monitor_accounts{mfa="enabled",monitor="gh",service="github"} 1.0
                mfa_monitor_accounts{mfa="not_applicable",monitor="gh",service="github"} 0.0
                mfa_monitor_accounts{mfa="unknown",monitor="gh",service="github"} 0.0
                mfa_monitor_admins_without_mfa{monitor="gh"} 1.0
                mfa_monitor_last_run_exit_code 3.0
                mfa_monitor_last_run_timestamp_seconds 1.7962056E9
                mfa_monitor_last_success_timestamp_seconds{monitor="gh"} 1.7962056E9
                mfa_monitor_monitor_up{monitor="gh"} 1.0
                mfa_monitor_pending_deliveries{notifier="gone-notifier"} 2.0
                mfa_monitor_pending_deliveries{notifier="slack"} 0.0
                mfa_monitor_run_duration_seconds 1.5""");
        assertThat(metrics.events()).containsEntry("MFA_DISABLED", 42L).containsEntry("BASELINE", 0L);
    }

    @Test
    void aFailedCommitCountsNoEventAndARefusedRunHasNoMonitorSeries() {
        ChangeEvent baseline = ChangeEvent.builder(EventType.BASELINE, "gh", "github", NOW).build();
        RunMetrics failedCommit = RunMetrics.of(report(ExitCode.INTERNAL, Map.of("gh", MonitorState.NEW), List.of(baseline)),
                List.of("gh"), List.of("slack"), Policy.defaults(), NOW, Duration.ZERO, Map.of(), Map.of("BASELINE", 1L));
        assertThat(failedCommit.events()).containsEntry("BASELINE", 1L);
        assertThat(series(failedCommit)).contains("mfa_monitor_monitor_up{monitor=\"gh\"} 0.0")
                .doesNotContain("mfa_monitor_accounts{");

        RunMetrics refused = RunMetrics.of(report(ExitCode.STATE_UNREADABLE, Map.of(), List.of()), List.of("gh"), List.of("slack"),
                Policy.defaults(), NOW, Duration.ZERO, Map.of("gh", NOW.minusSeconds(3600)), Map.of());
        assertThat(series(refused)).isEqualTo("""
                mfa_monitor_last_run_exit_code 5.0
                mfa_monitor_last_run_timestamp_seconds 1.7962056E9
                mfa_monitor_last_success_timestamp_seconds{monitor="gh"} 1.796202E9
                mfa_monitor_pending_deliveries{notifier="gone-notifier"} 2.0
                mfa_monitor_pending_deliveries{notifier="slack"} 0.0
                mfa_monitor_run_duration_seconds 0.0""");
    }
}
