package dev.mfamonitor.runner.report;

import dev.mfamonitor.core.Exemption;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.runner.report.ReportData.AccountRow;
import dev.mfamonitor.runner.report.ReportData.Change;
import dev.mfamonitor.runner.report.ReportData.CoveragePoint;
import dev.mfamonitor.runner.report.ReportData.CoverageSeries;
import dev.mfamonitor.runner.report.ReportData.DeliveryOutcome;
import dev.mfamonitor.runner.report.ReportData.ExceptionRow;
import dev.mfamonitor.runner.report.ReportData.MonitorHealth;
import dev.mfamonitor.runner.report.ReportData.NotifierHealth;
import dev.mfamonitor.runner.report.ReportData.Since;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.History;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.HistoryQuery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunSummary;
import dev.mfamonitor.spi.state.StoredState;

import java.io.IOException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.Collectors;

/**
 * Turns what the store holds and the configuration's policy into a {@link ReportData}: reads, never writes.
 *
 * <p>The current state comes from each monitor's last good snapshot. Coverage over time, recent changes and since when
 * an account has been without MFA come from the store's history when it keeps one: one chart point per stored run
 * summary, the events of the window with their deliveries. A store without history gives what the state alone holds:
 * the last good snapshot as the one point, and the events still in the outbox.
 */
public final class ReportBuilder {
    /**
     * An account id no account has ({@link Account} refuses blank ids): asking the history for its events reads the
     * run summaries without any event.
     */
    private static final String NO_ACCOUNT = " ";

    private static final Set<String> SHOWN_APART = Set.of("role", "weakMfa");

    private final List<String> configuredMonitors;
    private final List<String> configuredNotifiers;
    private final Policy policy;
    private final Duration changesWindow;

    /**
     * @param configuredMonitors  the monitor ids of the configuration, in its order
     * @param configuredNotifiers the notifier ids of the configuration, in its order
     * @param policy              the configuration's policy (its exceptions)
     * @param changesWindow       how far back "recent changes" go
     */
    public ReportBuilder(List<String> configuredMonitors, List<String> configuredNotifiers, Policy policy,
                         Duration changesWindow) {
        this.configuredMonitors = List.copyOf(configuredMonitors);
        this.configuredNotifiers = List.copyOf(configuredNotifiers);
        this.policy = policy;
        this.changesWindow = changesWindow;
    }

    /** Reads part of a store's history ({@link dev.mfamonitor.spi.state.StateStore#history}). */
    @FunctionalInterface
    public interface HistoryReader {
        History read(HistoryQuery query) throws StateUnreadableException, IOException;
    }

    /**
     * The report of {@code state} as it stands at {@code now}.
     *
     * @param history the store's history, if it keeps one: read twice, for every run summary with the events of the
     *                accounts listed, and for the events of the changes window
     */
    public ReportData build(StoredState state, Optional<HistoryReader> history, Instant now, String version,
                            String stateDescription) throws StateUnreadableException, IOException {
        List<String> monitorIds = inOrder(configuredMonitors, state.monitors().keySet());
        Instant changesSince = now.minus(changesWindow);
        Optional<History> accountsAndRuns = Optional.empty();
        Optional<History> recent = Optional.empty();
        if (history.isPresent()) {
            Set<String> listed = new TreeSet<>();
            for (MonitorState monitor : state.monitors().values()) {
                monitor.lastGood().ifPresent(s -> s.accounts().stream()
                        .filter(a -> a.mfa() == MfaStatus.DISABLED || RunSummary.weak(a)).forEach(a -> listed.add(a.id())));
            }
            accountsAndRuns = Optional.of(history.get().read(HistoryQuery.ALL.withAccounts(listed.isEmpty() ? Set.of(NO_ACCOUNT) : listed)));
            recent = Optional.of(history.get().read(HistoryQuery.ALL.withSince(changesSince)));
        }
        // Every event that can say since when an account stands where it does: the history's, and the outbox's (an
        // event is in both while it is pending; the latest time wins either way).
        List<ChangeEvent> known = new ArrayList<>();
        accountsAndRuns.ifPresent(h -> h.events().forEach(e -> known.add(e.event())));
        state.outbox().forEach(e -> known.add(e.event()));
        Map<String, Instant> firstRun = new LinkedHashMap<>();
        accountsAndRuns.ifPresent(h -> h.runs().forEach(r -> firstRun.merge(r.monitorId(), r.runAt(), (a, b) -> a.isBefore(b) ? a : b)));

        List<MonitorHealth> health = new ArrayList<>();
        List<AccountRow> without = new ArrayList<>();
        List<AccountRow> weak = new ArrayList<>();
        for (String id : monitorIds) {
            MonitorState monitor = state.monitors().getOrDefault(id, MonitorState.NEW);
            health.add(health(id, monitor));
            Optional<Snapshot> snapshot = monitor.lastGood();
            if (snapshot.isEmpty()) {
                continue;
            }
            for (Account account : snapshot.get().accounts()) {
                if (account.mfa() == MfaStatus.DISABLED) {
                    boolean excepted = policy.exemptionFor(id, account, now).isPresent();
                    without.add(row(id, snapshot.get(), account,
                            withoutSince(id, account, monitor, known, excepted ? Optional.empty() : Optional.ofNullable(firstRun.get(id))), now));
                } else if (RunSummary.weak(account)) {
                    weak.add(row(id, snapshot.get(), account, latest(id, account, Set.of(EventType.WEAK_MFA), known)
                            .map(at -> new Since(at, false)), now));
                }
            }
        }
        List<CoverageSeries> coverage = accountsAndRuns.isPresent() ? coverage(monitorIds, accountsAndRuns.get().runs()) : lastGoodCoverage(monitorIds, state);
        // Admins first, then the longest without (unknown "since" last), then by monitor and name for a stable order.
        Comparator<AccountRow> order = Comparator.comparing((AccountRow r) -> !r.privileged())
                .thenComparing(r -> r.since().map(Since::at).orElse(Instant.MAX))
                .thenComparing(r -> monitorIds.indexOf(r.monitorId()))
                .thenComparing(AccountRow::name).thenComparing(AccountRow::id);
        without.sort(order);
        weak.sort(order);

        List<Change> changes;
        String changesFrom;
        if (recent.isPresent()) {
            changes = recent.get().events().stream()
                    .sorted(Comparator.comparing((HistoryEntry e) -> e.event().at()).reversed())
                    .map(e -> change(e.event(), e.deliveries())).toList();
            changesFrom = "the last " + ReportText.duration(changesWindow);
        } else {
            changes = state.outbox().stream()
                    .filter(e -> !e.event().at().isBefore(changesSince))
                    .sorted(Comparator.comparing((OutboxEntry e) -> e.event().at()).reversed())
                    .map(e -> change(e.event(), e.deliveries())).toList();
            changesFrom = "events still in the outbox, of the last " + ReportText.duration(changesWindow)
                    + " (this state store keeps no history)";
        }
        return new ReportData(now, version, stateDescription, health, notifiers(state.outbox()), coverage, without, weak,
                changes, changesFrom, exceptions(state, now));
    }

    /** One series per monitor (configured first, then any the history still knows), one point per stored run. */
    private static List<CoverageSeries> coverage(List<String> monitorIds, List<RunSummary> runs) {
        Map<String, List<CoveragePoint>> points = new LinkedHashMap<>();
        monitorIds.forEach(id -> points.put(id, new ArrayList<>()));
        Set<String> onlyInHistory = new TreeSet<>();
        runs.forEach(r -> {
            if (!points.containsKey(r.monitorId())) {
                onlyInHistory.add(r.monitorId());
            }
        });
        onlyInHistory.forEach(id -> points.put(id, new ArrayList<>()));
        for (RunSummary run : runs) {
            if (run.health() == RunSummary.Health.FAILED && run.accounts() == 0) {
                continue; // failed before it ever succeeded: nothing to draw
            }
            int with = run.enabled() + run.weak();
            String note = switch (run.health()) {
                case OK -> "";
                case INCOMPLETE -> "could not see everything" + run.problem().map(p -> ": " + p).orElse("");
                case FAILED -> "failed, showing the last good snapshot" + run.problem().map(p -> ": " + p).orElse("");
            };
            points.get(run.monitorId()).add(new CoveragePoint(run.runAt(), with, with + run.disabled() + run.unknown(),
                    run.health() == RunSummary.Health.FAILED, note));
        }
        List<CoverageSeries> series = new ArrayList<>();
        points.forEach((id, list) -> series.add(new CoverageSeries(id, list)));
        return series;
    }

    /** Without history, the one stored run of each monitor is its last good snapshot. */
    private static List<CoverageSeries> lastGoodCoverage(List<String> monitorIds, StoredState state) {
        return monitorIds.stream().map(id -> new CoverageSeries(id, state.monitors().getOrDefault(id, MonitorState.NEW).lastGood()
                .map(s -> List.of(point(s.observedAt(), s.accounts()))).orElse(List.of()))).toList();
    }

    private MonitorHealth health(String id, MonitorState monitor) {
        Optional<Snapshot> snapshot = monitor.lastGood();
        return new MonitorHealth(id, configuredMonitors.contains(id), snapshot.map(Snapshot::service),
                snapshot.map(Snapshot::observedAt), snapshot.map(s -> s.accounts().size()).orElse(0),
                monitor.failureStreak(), monitor.failureStreak() > 0 ? monitor.lastFailure() : Optional.empty(),
                snapshot.map(s -> s.gaps().stream().map(g -> g.scope() + ": " + g.reason()).toList()).orElse(List.of()));
    }

    /** Coverage of one snapshot's accounts, counted as a {@link RunSummary} counts them. */
    static CoveragePoint point(Instant at, List<Account> accounts) {
        int with = 0;
        int counted = 0;
        for (Account account : accounts) {
            switch (account.mfa()) {
                case ENABLED -> {
                    with++;
                    counted++;
                }
                case DISABLED, UNKNOWN -> counted++;
                case NOT_APPLICABLE -> {
                }
            }
        }
        return new CoveragePoint(at, with, counted);
    }

    private AccountRow row(String monitorId, Snapshot snapshot, Account account, Optional<Since> since, Instant now) {
        String role = account.facts().getOrDefault("role", "");
        boolean privileged = RunSummary.admin(account);
        String details = account.facts().entrySet().stream().filter(f -> !SHOWN_APART.contains(f.getKey()))
                .map(f -> f.getKey() + "=" + f.getValue()).collect(Collectors.joining("; "));
        Optional<String> exception = policy.exemptionFor(monitorId, account, now).map(ReportBuilder::describe);
        return new AccountRow(monitorId, snapshot.service(), account.id(), account.name(), account.kind(), role, privileged,
                account.mfa(), since, details, exception);
    }

    private static String describe(Exemption exemption) {
        return exemption.reason() + exemption.expires().map(day -> " (until " + day + ")").orElse("");
    }

    /**
     * Since when the account has been without MFA: the latest event that said so. Else only a lower bound: the last
     * time it was alerted on as being without (the engine records that at the baseline and at every reminder), or the
     * oldest stored run of its monitor (an account that went without MFA since then would have an event, unless an
     * exception silenced it: {@code firstRun} is empty for excepted accounts), whichever is earlier.
     */
    private static Optional<Since> withoutSince(String monitorId, Account account, MonitorState monitor,
                                                List<ChangeEvent> known, Optional<Instant> firstRun) {
        Optional<Instant> event = latest(monitorId, account, Set.of(EventType.MFA_DISABLED, EventType.NEW_ACCOUNT_WITHOUT_MFA), known);
        if (event.isPresent()) {
            return Optional.of(new Since(event.get(), false));
        }
        return Stream.concat(Optional.ofNullable(monitor.alertedAt().get(account.id())).stream(), firstRun.stream())
                .min(Comparator.naturalOrder()).map(at -> new Since(at, true));
    }

    private static Optional<Instant> latest(String monitorId, Account account, Set<EventType> types, List<ChangeEvent> events) {
        return events.stream()
                .filter(e -> e.monitorId().equals(monitorId) && types.contains(e.type())
                        && e.account().map(a -> a.id().equals(account.id())).orElse(false))
                .map(ChangeEvent::at).max(Comparator.naturalOrder());
    }

    private Change change(ChangeEvent event, Map<String, Delivery> byNotifier) {
        List<DeliveryOutcome> deliveries = inOrder(configuredNotifiers, byNotifier.keySet()).stream()
                .filter(byNotifier::containsKey)
                .map(id -> outcome(id, byNotifier.get(id))).toList();
        return new Change(event.at(), event.monitorId().isEmpty() ? event.notifierId().orElse("") : event.monitorId(),
                event.type().words(), event.severity(), event.account().map(Account::name), event.previous(),
                event.current(), event.detail(), deliveries);
    }

    private static DeliveryOutcome outcome(String notifierId, Delivery delivery) {
        String state = switch (delivery.state()) {
            case PENDING -> delivery.attempts() == 0 ? "pending" : "pending after " + delivery.attempts()
                    + (delivery.attempts() == 1 ? " attempt" : " attempts");
            case DELIVERED -> "delivered";
            case ABANDONED -> "abandoned";
        };
        return new DeliveryOutcome(notifierId, state, delivery.lastAttemptAt(),
                delivery.state() == Delivery.State.DELIVERED ? Optional.empty() : delivery.lastError());
    }

    private List<NotifierHealth> notifiers(List<OutboxEntry> outbox) {
        Map<String, List<OutboxEntry>> pending = new LinkedHashMap<>();
        Map<String, Optional<String>> lastError = new LinkedHashMap<>();
        for (OutboxEntry entry : outbox) {
            entry.deliveries().forEach((notifier, delivery) -> {
                if (delivery.state() == Delivery.State.PENDING) {
                    pending.computeIfAbsent(notifier, n -> new ArrayList<>()).add(entry);
                    if (delivery.lastError().isPresent()) {
                        lastError.put(notifier, delivery.lastError());
                    }
                }
            });
        }
        List<NotifierHealth> notifiers = new ArrayList<>();
        for (String id : inOrder(configuredNotifiers, pending.keySet())) {
            List<OutboxEntry> waiting = pending.getOrDefault(id, List.of());
            notifiers.add(new NotifierHealth(id, configuredNotifiers.contains(id), waiting.size(),
                    waiting.stream().map(OutboxEntry::createdAt).min(Comparator.naturalOrder()),
                    lastError.getOrDefault(id, Optional.empty())));
        }
        return notifiers;
    }

    private List<ExceptionRow> exceptions(StoredState state, Instant now) {
        List<ExceptionRow> rows = new ArrayList<>();
        for (Exemption exemption : policy.exemptions()) {
            List<String> matches = state.monitors().getOrDefault(exemption.monitorId(), MonitorState.NEW).lastGood()
                    .map(s -> s.accounts().stream().filter(a -> exemption.matches(exemption.monitorId(), a))
                            .map(a -> a.name() + ": " + ReportText.status(a.mfa())).toList())
                    .orElse(List.of());
            rows.add(new ExceptionRow(exemption.monitorId(), exemption.account(), exemption.reason(), exemption.expires(),
                    exemption.expiresAt(), exemption.activeAt(now), matches));
        }
        rows.sort(Comparator.comparing((ExceptionRow r) -> r.expiresAt().orElse(Instant.MAX))
                .thenComparing(ExceptionRow::monitorId).thenComparing(ExceptionRow::account));
        return rows;
    }

    /** The configured ids in their order, then ids only the state knows (renamed or removed), sorted. */
    private static List<String> inOrder(List<String> configured, Set<String> stored) {
        Set<String> ids = new LinkedHashSet<>(configured);
        ids.addAll(new TreeSet<>(stored));
        return new ArrayList<>(ids);
    }
}
