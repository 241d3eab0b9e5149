package dev.mfamonitor.runner.report;

import dev.mfamonitor.runner.report.ReportData.AccountRow;
import dev.mfamonitor.runner.report.ReportData.Change;
import dev.mfamonitor.runner.report.ReportData.CoveragePoint;
import dev.mfamonitor.runner.report.ReportData.CoverageSeries;
import dev.mfamonitor.runner.report.ReportData.DeliveryOutcome;
import dev.mfamonitor.runner.report.ReportData.ExceptionRow;
import dev.mfamonitor.runner.report.ReportData.MonitorHealth;
import dev.mfamonitor.runner.report.ReportData.NotifierHealth;
import dev.mfamonitor.runner.report.ReportData.Since;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A report whose every untrusted string is markup that would run a canary if it were not escaped: it sets the
 * page's title to {@link #PWNED} and the global {@code window.__pwned}. The payloads cover element text, double- and
 * single-quoted attributes, SVG {@code <text>} and {@code <title>}, and the issue's own {@code <img src=x onerror=alert(1)>}.
 */
final class HostileReport {
    static final String PWNED = "pwned";
    private static final String CANARY = "document.title='" + PWNED + "';window.__pwned=1";

    /** The example, verbatim. */
    static final String ALERT_NAME = "<img src=x onerror=alert(1)>";
    /** In element text. */
    static final String IMG = "<img src=x onerror=\"" + CANARY + "\">";
    /** Breaks out of a double-quoted attribute. */
    static final String ATTRIBUTE = "\"><svg onload=\"" + CANARY + "\"></svg><b x=\"";
    /** Breaks out of a single-quoted attribute and of an SVG title. */
    static final String SVG_TITLE = "'></title><script>" + CANARY + "</script><title>";
    /** A script element in text. */
    static final String SCRIPT = "<script>" + CANARY + "</script>";

    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    static final int RUNS = 7;

    private HostileReport() {
    }

    /** Three monitors (two with hostile ids) with {@link #RUNS}, {@code RUNS - 2} and 1 runs. */
    static ReportData report() {
        List<String> monitors = List.of("github-acme", ATTRIBUTE, SVG_TITLE);
        int[] runs = {RUNS, RUNS - 2, 1};
        List<CoverageSeries> coverage = new ArrayList<>();
        for (int m = 0; m < monitors.size(); m++) {
            List<CoveragePoint> points = new ArrayList<>();
            for (int r = 0; r < runs[m]; r++) {
                points.add(new CoveragePoint(NOW.minus(Duration.ofDays(runs[m] - 1 - r)), 10 + r + m, 20));
            }
            coverage.add(new CoverageSeries(monitors.get(m), points));
        }
        List<AccountRow> without = List.of(
                new AccountRow("github-acme", "github", "1", ALERT_NAME, "member", "admin", true, MfaStatus.DISABLED,
                        Optional.of(new Since(NOW.minus(Duration.ofDays(3)), false)), "note=" + SCRIPT, Optional.empty()),
                new AccountRow(ATTRIBUTE, SVG_TITLE, "2", IMG, SCRIPT, ATTRIBUTE, false, MfaStatus.DISABLED,
                        Optional.of(new Since(NOW.minus(Duration.ofDays(9)), true)), IMG, Optional.of(SCRIPT)),
                new AccountRow("github-acme", "github", "3", "carol", "member", "", false, MfaStatus.DISABLED,
                        Optional.empty(), "", Optional.empty()));
        List<AccountRow> weak = List.of(new AccountRow("github-acme", "github", "4", SVG_TITLE, "member", "", false,
                MfaStatus.ENABLED, Optional.empty(), "methods=sms " + IMG, Optional.empty()));
        List<Change> changes = List.of(
                new Change(NOW.minus(Duration.ofHours(2)), "github-acme", "MFA disabled", Severity.CRITICAL, Optional.of(ALERT_NAME),
                        Optional.of(MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED), IMG,
                        List.of(new DeliveryOutcome("slack", "delivered", Optional.of(NOW.minus(Duration.ofHours(2))), Optional.empty()),
                                new DeliveryOutcome(ATTRIBUTE, "pending after 2 attempts", Optional.of(NOW), Optional.of(SCRIPT)))),
                new Change(NOW.minus(Duration.ofHours(5)), ATTRIBUTE, SCRIPT, Severity.MEDIUM, Optional.empty(),
                        Optional.empty(), Optional.empty(), SVG_TITLE, List.of()));
        List<ExceptionRow> exceptions = List.of(
                new ExceptionRow("github-acme", IMG, SCRIPT, Optional.of(LocalDate.parse("2026-11-30")),
                        Optional.of(Instant.parse("2026-11-30T00:00:00Z")), false, List.of(IMG + ": disabled")),
                new ExceptionRow(ATTRIBUTE, "deploy-bot", ATTRIBUTE, Optional.empty(), Optional.empty(), true, List.of()));
        List<MonitorHealth> health = List.of(
                new MonitorHealth("github-acme", true, Optional.of("github"), Optional.of(NOW.minus(Duration.ofHours(1))), 20, 0,
                        Optional.empty(), List.of()),
                new MonitorHealth(ATTRIBUTE, true, Optional.of(SCRIPT), Optional.of(NOW), 20, 2, Optional.of(IMG), List.of(SVG_TITLE)),
                new MonitorHealth(SVG_TITLE, false, Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), List.of()));
        List<NotifierHealth> notifiers = List.of(new NotifierHealth(ATTRIBUTE, true, 3, Optional.of(NOW), Optional.of(IMG)));
        return new ReportData(NOW, "mfa-monitor " + SCRIPT, "file " + IMG, health, notifiers, coverage, without, weak,
                changes, "the last " + SCRIPT, exceptions);
    }
}
