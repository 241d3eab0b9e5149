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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report as one self-contained HTML page: no script, no external style sheet, font, image or request; the chart
 * is inline SVG ({@link CoverageChart}). The page declares a Content-Security-Policy that allows nothing but its one
 * style sheet (by its SHA-256 hash, so no inline {@code style} attribute would apply either): even a name that escaped
 * the escaping could neither run a script nor load anything.
 *
 * <p>Every value of the model is untrusted and goes through {@link Html}; the page's own text is constant.
 */
public final class ReportPage {
    /** The page's one style sheet; its hash is in the Content-Security-Policy, so change both together (the code does). */
    static final String STYLE = """
            :root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--bad:#b3261e;--warn:#8a5a00;--good:#116329}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:#f6f8fa}
            main{max-width:1180px;margin:0 auto;padding:24px}
            header h1{margin:0 0 4px;font-size:24px}
            header p{margin:2px 0;color:var(--muted)}
            .notice{border-left:4px solid var(--warn);background:#fff8e6;padding:6px 10px;margin:10px 0}
            section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:16px 0}
            h2{font-size:18px;margin:0 0 10px}
            h2 small{font-weight:normal;color:var(--muted);font-size:13px}
            .summary{display:flex;flex-wrap:wrap;gap:12px;margin:0;padding:0;list-style:none}
            .summary li{flex:1 1 160px;border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:#fff}
            .summary b{display:block;font-size:22px}
            .summary .bad b{color:var(--bad)}.summary .warn b{color:var(--warn)}.summary .good b{color:var(--good)}
            table{border-collapse:collapse;width:100%}
            th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
            th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);white-space:nowrap}
            #changes-table td:first-child,#changes-table td:nth-child(5){white-space:nowrap}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.privileged td:first-child{font-weight:600}
            .badge{display:inline-block;border-radius:10px;padding:0 7px;font-size:12px;border:1px solid var(--line);margin-left:4px}
            .badge.admin,.badge.critical,.badge.high,.badge.failing,.badge.expired{color:#fff;background:var(--bad);border-color:var(--bad)}
            .badge.medium,.badge.partial,.badge.excepted,.badge.pending{color:#fff;background:var(--warn);border-color:var(--warn)}
            .badge.healthy,.badge.delivered{color:#fff;background:var(--good);border-color:var(--good)}
            .muted,.empty{color:var(--muted)}
            ul.deliveries{margin:0;padding:0;list-style:none}
            figure{margin:0}
            #coverage-chart{width:100%;height:auto;display:block}
            #coverage-chart .grid{stroke:#e6e9ed;stroke-width:1}
            #coverage-chart .tick,#coverage-chart .axis-note{font-size:11px;fill:var(--muted)}
            #coverage-chart .tick.y{text-anchor:end}#coverage-chart .tick.x{text-anchor:middle}#coverage-chart .axis-note{text-anchor:end}
            #coverage-chart .line{fill:none;stroke-width:2}
            #coverage-chart .label{font-size:12px}
            ul.legend{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:6px 18px}
            ul.legend li::before{content:"";display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px;background:currentColor}
            .c0{color:#0072b2;stroke:#0072b2}.c1{color:#d55e00;stroke:#d55e00}.c2{color:#009e73;stroke:#009e73}.c3{color:#cc79a7;stroke:#cc79a7}
            .c4{color:#e69f00;stroke:#e69f00}.c5{color:#56b4e9;stroke:#56b4e9}.c6{color:#999933;stroke:#999933}.c7{color:#444;stroke:#444}
            .point{fill:#fff;stroke-width:2}.series .point{stroke:inherit}.series .point.failed{stroke:#b3261e;stroke-width:2.5}
            text.label.c0{fill:#0072b2}text.label.c1{fill:#d55e00}text.label.c2{fill:#009e73}text.label.c3{fill:#cc79a7}
            text.label.c4{fill:#e69f00}text.label.c5{fill:#56b4e9}text.label.c6{fill:#999933}text.label.c7{fill:#444}
            ul.legend li span{color:var(--ink)}
            table+h2{margin-top:18px}
            footer{color:var(--muted);font-size:12px;margin:20px 0}
            """;

    /** The Content-Security-Policy of every report. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'sha256-" + sha256(STYLE)
            + "'; img-src data:; base-uri 'none'; form-action 'none'";

    private ReportPage() {
    }

    /** The whole page. */
    public static String html(ReportData report) {
        StringBuilder page = new StringBuilder(64 * 1024);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CONTENT_SECURITY_POLICY).append("\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>MFA report</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        header(page, report);
        summary(page, report);
        coverage(page, report);
        withoutMfa(page, report);
        weakMfa(page, report);
        changes(page, report);
        exceptions(page, report);
        health(page, report);
        page.append("<footer>Made by ").append(Html.text(report.version())).append(" at ")
                .append(Html.text(ReportText.time(report.generatedAt())))
                .append(". Every time is UTC. This page loads nothing and runs no script.</footer>\n");
        return page.append("</main>\n</body>\n</html>\n").toString();
    }

    private static void header(StringBuilder page, ReportData report) {
        page.append("<header>\n<h1>MFA report</h1>\n<p>As of ").append(Html.text(ReportText.time(report.generatedAt())))
                .append(", from the state in ").append(Html.text(report.state())).append(".</p>\n")
                .append("<p class=\"notice\">This report lists account names. Share it only with those who may see them.</p>\n")
                .append("</header>\n");
    }

    private static void summary(StringBuilder page, ReportData report) {
        long unexcused = report.withoutMfa().stream().filter(r -> r.exception().isEmpty()).count();
        long admins = report.withoutMfa().stream().filter(AccountRow::privileged).count();
        long failing = report.monitors().stream().filter(m -> !m.healthy()).count();
        long pending = report.notifiers().stream().mapToLong(NotifierHealth::pending).sum();
        page.append("<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"summary\">\n");
        card(page, "without-mfa-count", unexcused, "without MFA (no exception)", unexcused > 0 ? "bad" : "good");
        card(page, "admins-without-mfa-count", admins, "admins, owners or root without MFA", admins > 0 ? "bad" : "good");
        card(page, "weak-mfa-count", report.weakMfa().size(), "with weak MFA", report.weakMfa().isEmpty() ? "good" : "warn");
        card(page, "unhealthy-monitor-count", failing, "monitors failing, partial or never run", failing > 0 ? "warn" : "good");
        card(page, "pending-delivery-count", pending, "deliveries pending", pending > 0 ? "warn" : "good");
        page.append("</ul>\n</section>\n");
    }

    private static void card(StringBuilder page, String id, long value, String words, String tone) {
        page.append("<li id=\"").append(id).append("\" class=\"").append(tone).append("\"><b>").append(value).append("</b>")
                .append(words).append("</li>\n");
    }

    private static void coverage(StringBuilder page, ReportData report) {
        page.append("<section id=\"coverage\">\n<h2>MFA coverage over time <small>accounts with MFA (weak included) out of"
                + " those with, without or of unknown status; one point per stored run, hollow red where the monitor failed"
                + "</small></h2>\n");
        String chart = CoverageChart.svg(report.coverage());
        if (chart.isEmpty()) {
            page.append("<p class=\"empty\">No run stored yet: run <code>mfa-monitor run</code> first.</p>\n</section>\n");
            return;
        }
        page.append("<figure>\n").append(chart).append("<figcaption><ul class=\"legend\">\n");
        List<CoverageSeries> series = report.coverage();
        for (int i = 0; i < series.size(); i++) {
            CoverageSeries one = series.get(i);
            page.append("<li class=\"").append(CoverageChart.colourClass(i)).append("\"><span>").append(Html.text(one.monitorId()));
            if (one.points().isEmpty()) {
                page.append(": no run stored");
            } else {
                CoveragePoint latest = one.points().get(one.points().size() - 1);
                page.append(": ").append(CoverageChart.percent(latest.percent())).append(" now (").append(latest.withMfa())
                        .append(" of ").append(latest.counted()).append("), ")
                        .append(one.points().size()).append(one.points().size() == 1 ? " run" : " runs");
            }
            page.append("</span></li>\n");
        }
        page.append("</ul></figcaption>\n</figure>\n</section>\n");
    }

    private static void withoutMfa(StringBuilder page, ReportData report) {
        page.append("<section id=\"without-mfa\">\n<h2>Accounts without MFA now <small>admins, owners and root first,"
                + " then the longest without</small></h2>\n");
        List<Row> rows = new ArrayList<>();
        for (AccountRow account : report.withoutMfa()) {
            rows.add(new Row(account.privileged() ? "privileged" : "", List.of(
                    name(account), monitor(account.monitorId(), account.service()), Html.text(account.kind()),
                    Html.text(account.role()), without(account.since(), report.generatedAt()),
                    account.exception().map(e -> "<span class=\"badge excepted\">exception</span> " + Html.text(e)).orElse(""),
                    Html.text(account.details()))));
        }
        table(page, "without-mfa-table", List.of("Account", "Monitor", "Kind", "Role", "Without MFA for", "Exception", "Details"),
                rows, "No account is without MFA.");
        page.append("</section>\n");
    }

    private static void weakMfa(StringBuilder page, ReportData report) {
        page.append("<section id=\"weak-mfa\">\n<h2>Weak MFA <small>a second factor that can be phished or"
                + " intercepted (SMS, phone, e-mail)</small></h2>\n");
        List<Row> rows = new ArrayList<>();
        for (AccountRow account : report.weakMfa()) {
            rows.add(new Row(account.privileged() ? "privileged" : "", List.of(
                    name(account), monitor(account.monitorId(), account.service()), Html.text(account.kind()),
                    Html.text(account.role()), account.since().map(s -> Html.text(ReportText.time(s.at()))).orElse(""),
                    account.exception().map(e -> "<span class=\"badge excepted\">exception</span> " + Html.text(e)).orElse(""),
                    Html.text(account.details()))));
        }
        table(page, "weak-mfa-table", List.of("Account", "Monitor", "Kind", "Role", "Reported", "Exception", "Details"),
                rows, "No account has weak MFA.");
        page.append("</section>\n");
    }

    private static void changes(StringBuilder page, ReportData report) {
        page.append("<section id=\"changes\">\n<h2>Recent changes <small>").append(Html.text(report.changesFrom()))
                .append(", newest first</small></h2>\n");
        List<Row> rows = new ArrayList<>();
        for (Change change : report.changes()) {
            String status = change.previous().map(p -> Html.text(ReportText.status(p)) + " &rarr; ").orElse("")
                    + change.current().map(c -> Html.text(ReportText.status(c))).orElse("");
            String severity = change.severity().name().toLowerCase(Locale.ROOT);
            rows.add(new Row("", List.of(Html.text(ReportText.time(change.at())), Html.text(change.monitorId()),
                    Html.text(change.type()) + " <span class=\"badge " + severity + "\">" + severity + "</span>",
                    Html.text(change.account().orElse("")), status, Html.text(change.detail()), deliveries(change.deliveries()))));
        }
        table(page, "changes-table", List.of("Time", "Monitor", "Change", "Account", "Status", "Detail", "Notifiers"),
                rows, "No change in this period.");
        page.append("</section>\n");
    }

    private static String deliveries(List<DeliveryOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return "<span class=\"muted\">meant for no notifier</span>";
        }
        StringBuilder list = new StringBuilder("<ul class=\"deliveries\">");
        for (DeliveryOutcome outcome : outcomes) {
            String tone = outcome.state().startsWith("pending") ? "pending" : outcome.state().equals("delivered") ? "delivered" : "expired";
            list.append("<li>").append(Html.text(outcome.notifierId())).append(" <span class=\"badge ").append(tone).append("\">")
                    .append(Html.text(outcome.state())).append("</span>")
                    .append(outcome.at().map(at -> " <span class=\"muted\">" + Html.text(ReportText.time(at)) + "</span>").orElse(""))
                    .append(outcome.error().map(e -> " <span class=\"muted\">" + Html.text(e) + "</span>").orElse(""))
                    .append("</li>");
        }
        return list.append("</ul>").toString();
    }

    private static void exceptions(StringBuilder page, ReportData report) {
        page.append("<section id=\"exceptions\">\n<h2>Exceptions <small>policy.exceptions of the configuration, the soonest"
                + " to expire first</small></h2>\n");
        List<Row> rows = new ArrayList<>();
        for (ExceptionRow exception : report.exceptions()) {
            String expiry;
            if (exception.expiresAt().isEmpty()) {
                expiry = "never";
            } else {
                Instant at = exception.expiresAt().get();
                Duration left = Duration.between(report.generatedAt(), at);
                expiry = Html.text(exception.expires().map(Object::toString).orElse("")) + " "
                        + (exception.active() ? "<span class=\"muted\">in " + Html.text(ReportText.duration(left)) + "</span>"
                        : "<span class=\"badge expired\">expired " + Html.text(ReportText.duration(left.negated())) + " ago</span>");
            }
            rows.add(new Row(exception.active() ? "" : "expired", List.of(Html.text(exception.monitorId()),
                    Html.text(exception.account()), Html.text(exception.reason()), expiry,
                    exception.matches().isEmpty() ? "<span class=\"muted\">no account of the last snapshot</span>"
                            : Html.text(String.join(", ", exception.matches())))));
        }
        table(page, "exceptions-table", List.of("Monitor", "Account", "Reason", "Expires", "Applies to"), rows,
                "No exception is configured.");
        page.append("</section>\n");
    }

    private static void health(StringBuilder page, ReportData report) {
        page.append("<section id=\"health\">\n<h2>Monitor health</h2>\n");
        List<Row> rows = new ArrayList<>();
        for (MonitorHealth monitor : report.monitors()) {
            String status;
            if (monitor.failureStreak() > 0) {
                status = "<span class=\"badge failing\">failing for " + monitor.failureStreak()
                        + (monitor.failureStreak() == 1 ? " run" : " runs") + "</span> " + Html.text(monitor.lastFailure().orElse(""));
            } else if (monitor.lastGood().isEmpty()) {
                status = "<span class=\"badge partial\">no run yet</span>";
            } else if (!monitor.gaps().isEmpty()) {
                status = "<span class=\"badge partial\">partial</span> could not see " + Html.text(String.join("; ", monitor.gaps()));
            } else {
                status = "<span class=\"badge healthy\">healthy</span>";
            }
            rows.add(new Row("", List.of(Html.text(monitor.id()) + (monitor.configured() ? "" : " <span class=\"muted\">(not in the configuration)</span>"),
                    Html.text(monitor.service().orElse("")),
                    monitor.lastGood().map(at -> Html.text(ReportText.time(at)) + " <span class=\"muted\">("
                            + Html.text(ReportText.duration(Duration.between(at, report.generatedAt()))) + " ago)</span>").orElse(""),
                    monitor.lastGood().isPresent() ? String.valueOf(monitor.accounts()) : "", status)));
        }
        table(page, "health-table", List.of("Monitor", "Service", "Last good snapshot", "Accounts", "Status"), rows,
                "No monitor is configured.");
        page.append("<h2>Notifiers</h2>\n");
        List<Row> notifiers = new ArrayList<>();
        for (NotifierHealth notifier : report.notifiers()) {
            notifiers.add(new Row("", List.of(Html.text(notifier.id()) + (notifier.configured() ? "" : " <span class=\"muted\">(not in the configuration)</span>"),
                    notifier.pending() == 0 ? "<span class=\"badge delivered\">nothing pending</span>"
                            : "<span class=\"badge pending\">" + notifier.pending() + " pending</span>"
                            + notifier.oldestPending().map(at -> " the oldest since " + Html.text(ReportText.time(at))).orElse(""),
                    Html.text(notifier.lastError().orElse("")))));
        }
        table(page, "notifiers-table", List.of("Notifier", "Deliveries", "Last error"), notifiers, "No notifier is configured.");
        page.append("</section>\n");
    }

    private static String name(AccountRow account) {
        return Html.text(account.name()) + (account.privileged()
                ? " <span class=\"badge admin\">" + Html.text(account.kind().equals("root") ? "root" : account.role()) + "</span>" : "");
    }

    private static String monitor(String id, String service) {
        return Html.text(id) + " <span class=\"muted\">" + Html.text(service) + "</span>";
    }

    private static String without(Optional<Since> since, Instant now) {
        if (since.isEmpty()) {
            return "<span class=\"muted\">not known</span>";
        }
        Since s = since.get();
        String age = ReportText.duration(Duration.between(s.at(), now));
        return (s.lowerBound() ? "at least " : "") + Html.text(age) + " <span class=\"muted\">(" + (s.lowerBound() ? "seen without MFA at " : "since ")
                + Html.text(ReportText.time(s.at())) + ")</span>";
    }

    /** One table row: its class and its cells, every cell already HTML. */
    private record Row(String cssClass, List<String> cells) {
    }

    private static void table(StringBuilder page, String id, List<String> headers, List<Row> rows, String empty) {
        if (rows.isEmpty()) {
            page.append("<p id=\"").append(id).append("\" class=\"empty\">").append(empty).append("</p>\n");
            return;
        }
        page.append("<table id=\"").append(id).append("\">\n<thead><tr>");
        headers.forEach(h -> page.append("<th>").append(h).append("</th>"));
        page.append("</tr></thead>\n<tbody>\n");
        for (Row row : rows) {
            page.append(row.cssClass().isEmpty() ? "<tr>" : "<tr class=\"" + row.cssClass() + "\">");
            row.cells().forEach(c -> page.append("<td>").append(c).append("</td>"));
            page.append("</tr>\n");
        }
        page.append("</tbody>\n</table>\n");
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
