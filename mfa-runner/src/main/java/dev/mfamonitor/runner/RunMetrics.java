package dev.mfamonitor.runner;

import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.Privileged;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.MonitorState;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one run tells the monitoring people already run, as Prometheus metrics: the same values go to the textfile
 * collector's file and to {@code /metrics}.
 *
 * @param finishedAt  when the run ended
 * @param took        how long it took
 * @param exitCode    its exit code
 * @param monitors    per monitor id (configuration order), what the state holds of it; empty when the run was refused
 * @param pending     per notifier id, the events still waiting for it
 * @param lastSuccess per monitor id, when a run last read it completely (carried across runs)
 * @param events      per event type, how many events runs committed (carried across runs)
 */
record RunMetrics(Instant finishedAt, Duration took, int exitCode, Map<String, MonitorFigures> monitors,
                  Map<String, Integer> pending, Map<String, Instant> lastSuccess, Map<String, Long> events) {

    /** Per monitor: its last good snapshot's counts, whether this run read it completely. */
    record MonitorFigures(boolean up, Optional<String> service, Map<MfaStatus, Integer> accounts, int adminsWithoutMfa) {
    }

    /**
     * The figures of a finished run.
     *
     * @param carriedSuccess per monitor, the last complete read before this run
     * @param carriedEvents  per event type, the events counted before this run
     */
    static RunMetrics of(RunReport report, List<String> monitorIds, List<String> notifierIds, Policy policy,
                         Instant finishedAt, Duration took, Map<String, Instant> carriedSuccess, Map<String, Long> carriedEvents) {
        Map<String, MonitorFigures> monitors = new LinkedHashMap<>();
        Map<String, Instant> lastSuccess = new TreeMap<>();
        // A monitor removed from the configuration leaves the metrics with it.
        carriedSuccess.forEach((id, at) -> {
            if (monitorIds.contains(id)) {
                lastSuccess.put(id, at);
            }
        });
        if (!report.monitors().isEmpty()) {
            for (String id : monitorIds) {
                MonitorState state = report.monitors().getOrDefault(id, MonitorState.NEW);
                boolean up = !report.monitorFailures().containsKey(id) && state.failureStreak() == 0 && state.lastGood().isPresent();
                if (up) {
                    lastSuccess.put(id, finishedAt);
                }
                monitors.put(id, figures(id, up, state.lastGood(), policy, finishedAt));
            }
        }
        Map<String, Integer> pending = new TreeMap<>();
        notifierIds.forEach(id -> pending.put(id, 0));
        pending.putAll(report.pending());
        Map<String, Long> events = new TreeMap<>();
        EventType.builtIns().forEach(type -> events.put(type.name(), 0L));
        events.putAll(carriedEvents);
        // A failed commit stored none of its events: the next run raises them again and counts them then.
        if (report.exitCode() != dev.mfamonitor.core.ExitCode.INTERNAL) {
            for (ChangeEvent event : report.newEvents()) {
                events.merge(event.type().name(), 1L, Long::sum);
            }
        }
        return new RunMetrics(finishedAt, took, report.exitCode().code(), monitors, pending, lastSuccess, events);
    }

    private static MonitorFigures figures(String id, boolean up, Optional<Snapshot> lastGood, Policy policy, Instant now) {
        Map<MfaStatus, Integer> accounts = new EnumMap<>(MfaStatus.class);
        int admins = 0;
        if (lastGood.isPresent()) {
            for (MfaStatus status : MfaStatus.values()) {
                accounts.put(status, 0);
            }
            for (Account account : lastGood.get().accounts()) {
                accounts.merge(account.mfa(), 1, Integer::sum);
                if (account.mfa() == MfaStatus.DISABLED && Privileged.is(account)
                        && policy.exemptionFor(id, account, now).isEmpty()) {
                    admins++;
                }
            }
        }
        // The service name is plugin text: control characters out (the text format then escapes quotes and backslashes).
        return new MonitorFigures(up, lastGood.map(s -> PeopleText.clean(s.service())), accounts, admins);
    }

    /** The metric families, in the order the README lists them. */
    MetricSnapshots snapshots() {
        List<MetricSnapshot> families = new ArrayList<>();
        GaugeSnapshot.Builder accounts = gauge("mfa_monitor_accounts",
                "Accounts in the last good snapshot of each monitor, by MFA status (enabled, disabled, not_applicable, unknown).");
        GaugeSnapshot.Builder admins = gauge("mfa_monitor_admins_without_mfa",
                "Roots, admins and owners without MFA in the last good snapshot, not counting those under an active exception.");
        GaugeSnapshot.Builder up = gauge("mfa_monitor_monitor_up",
                "1 when the last run read the monitor completely, 0 when it failed or could not see everything.");
        monitors.forEach((id, figures) -> {
            figures.service().ifPresent(service -> figures.accounts().forEach((status, count) -> accounts.dataPoint(
                    GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("monitor", id, "service", service,
                            "mfa", status.configName())).value(count).build())));
            if (figures.service().isPresent()) {
                admins.dataPoint(point(Labels.of("monitor", id), figures.adminsWithoutMfa()));
            }
            up.dataPoint(point(Labels.of("monitor", id), figures.up() ? 1 : 0));
        });
        families.add(accounts.build());
        families.add(admins.build());
        families.add(gauge("mfa_monitor_last_run_timestamp_seconds", "When the last run ended, in seconds since the epoch.")
                .dataPoint(point(Labels.EMPTY, seconds(finishedAt))).build());
        families.add(gauge("mfa_monitor_last_run_exit_code", "The exit code of the last run (README, exit codes).")
                .dataPoint(point(Labels.EMPTY, exitCode)).build());
        GaugeSnapshot.Builder success = gauge("mfa_monitor_last_success_timestamp_seconds",
                "When a run last read the monitor completely, in seconds since the epoch.");
        lastSuccess.forEach((id, at) -> success.dataPoint(point(Labels.of("monitor", id), seconds(at))));
        families.add(success.build());
        families.add(up.build());
        families.add(gauge("mfa_monitor_run_duration_seconds", "How long the last run took.")
                .dataPoint(point(Labels.EMPTY, took.toNanos() / 1e9)).build());
        GaugeSnapshot.Builder waiting = gauge("mfa_monitor_pending_deliveries",
                "Events still waiting for each notifier after the last run.");
        pending.forEach((id, count) -> waiting.dataPoint(point(Labels.of("notifier", id), count)));
        families.add(waiting.build());
        CounterSnapshot.Builder counted = CounterSnapshot.builder().name("mfa_monitor_events")
                .help("Events committed by runs, by type; carried from run to run in the metrics file (README, Metrics).");
        events.forEach((type, count) -> counted.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("type", type)).value(count).build()));
        families.add(counted.build());
        return new MetricSnapshots(families);
    }

    /** The Prometheus text format (0.0.4), as the node_exporter textfile collector reads it. */
    String text() {
        return text(snapshots());
    }

    static String text(MetricSnapshots snapshots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static double seconds(Instant at) {
        return at.getEpochSecond() + at.getNano() / 1e9;
    }
}
