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
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.StoredState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns what the store holds and the configuration's policy into a {@link ReportData}: reads, never writes.
 *
 * <p>The current state comes from each monitor's last good snapshot; changes, and since when an account has been
 * without MFA, from the events the store still holds.
 */
public final class ReportBuilder {
    /** Roles whose accounts are listed first, as the diff engine escalates them. */
    private static final Set<String> PRIVILEGED_ROLES = Set.of("admin", "owner");
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

    /** The report of {@code state} as it stands at {@code now}. */
    public ReportData build(StoredState state, Instant now, String version, String stateDescription) {
        List<String> monitorIds = inOrder(configuredMonitors, state.monitors().keySet());
        List<MonitorHealth> health = new ArrayList<>();
        List<CoverageSeries> coverage = new ArrayList<>();
        List<AccountRow> without = new ArrayList<>();
        List<AccountRow> weak = new ArrayList<>();
        for (String id : monitorIds) {
            MonitorState monitor = state.monitors().getOrDefault(id, MonitorState.NEW);
            health.add(health(id, monitor));
            Optional<Snapshot> snapshot = monitor.lastGood();
            List<CoveragePoint> points = snapshot.map(s -> List.of(point(s.observedAt(), s.accounts()))).orElse(List.of());
            coverage.add(new CoverageSeries(id, points));
            if (snapshot.isEmpty()) {
                continue;
            }
            for (Account account : snapshot.get().accounts()) {
                if (account.mfa() == MfaStatus.DISABLED) {
                    without.add(row(id, snapshot.get(), account, withoutSince(id, account, monitor, state.outbox()), now));
                } else if (account.mfa() == MfaStatus.ENABLED && weak(account)) {
                    weak.add(row(id, snapshot.get(), account, latest(id, account, Set.of(EventType.WEAK_MFA), state.outbox())
                            .map(at -> new Since(at, false)), now));
                }
            }
        }
        // Admins first, then the longest without (unknown "since" last), then by monitor and name for a stable order.
        Comparator<AccountRow> order = Comparator.comparing((AccountRow r) -> !r.privileged())
                .thenComparing(r -> r.since().map(Since::at).orElse(Instant.MAX))
                .thenComparing(r -> monitorIds.indexOf(r.monitorId()))
                .thenComparing(AccountRow::name).thenComparing(AccountRow::id);
        without.sort(order);
        weak.sort(order);

        Instant changesSince = now.minus(changesWindow);
        List<Change> changes = state.outbox().stream()
                .filter(e -> !e.event().at().isBefore(changesSince))
                .sorted(Comparator.comparing((OutboxEntry e) -> e.event().at()).reversed())
                .map(this::change).toList();
        return new ReportData(now, version, stateDescription, health, notifiers(state.outbox()), coverage, without, weak,
                changes, "events still held in the outbox, of the last " + ReportText.duration(changesWindow),
                exceptions(state, now));
    }

    private MonitorHealth health(String id, MonitorState monitor) {
        Optional<Snapshot> snapshot = monitor.lastGood();
        return new MonitorHealth(id, configuredMonitors.contains(id), snapshot.map(Snapshot::service),
                snapshot.map(Snapshot::observedAt), snapshot.map(s -> s.accounts().size()).orElse(0),
                monitor.failureStreak(), monitor.failureStreak() > 0 ? monitor.lastFailure() : Optional.empty(),
                snapshot.map(s -> s.gaps().stream().map(g -> g.scope() + ": " + g.reason()).toList()).orElse(List.of()));
    }

    /** Coverage of one snapshot's accounts. */
    static CoveragePoint point(Instant at, List<Account> accounts) {
        int with = 0;
        int applicable = 0;
        for (Account account : accounts) {
            if (account.mfa() == MfaStatus.ENABLED) {
                with++;
                applicable++;
            } else if (account.mfa() == MfaStatus.DISABLED) {
                applicable++;
            }
        }
        return new CoveragePoint(at, with, applicable);
    }

    private AccountRow row(String monitorId, Snapshot snapshot, Account account, Optional<Since> since, Instant now) {
        String role = account.facts().getOrDefault("role", "");
        boolean privileged = account.kind().equals("root") || PRIVILEGED_ROLES.contains(role.toLowerCase(Locale.ROOT));
        String details = account.facts().entrySet().stream().filter(f -> !SHOWN_APART.contains(f.getKey()))
                .map(f -> f.getKey() + "=" + f.getValue()).collect(Collectors.joining("; "));
        Optional<String> exception = policy.exemptionFor(monitorId, account, now).map(ReportBuilder::describe);
        return new AccountRow(monitorId, snapshot.service(), account.id(), account.name(), account.kind(), role, privileged,
                account.mfa(), since, details, exception);
    }

    private static String describe(Exemption exemption) {
        return exemption.reason() + exemption.expires().map(day -> " (until " + day + ")").orElse("");
    }

    private static boolean weak(Account account) {
        return "true".equalsIgnoreCase(account.facts().getOrDefault("weakMfa", ""));
    }

    /**
     * Since when the account has been without MFA: the latest event that said so, else (at least) the last time it was
     * alerted on as being without, which the engine records at the baseline and at every reminder.
     */
    private static Optional<Since> withoutSince(String monitorId, Account account, MonitorState monitor,
                                                List<OutboxEntry> outbox) {
        Optional<Instant> event = latest(monitorId, account, Set.of(EventType.MFA_DISABLED, EventType.NEW_ACCOUNT_WITHOUT_MFA), outbox);
        if (event.isPresent()) {
            return Optional.of(new Since(event.get(), false));
        }
        return Optional.ofNullable(monitor.alertedAt().get(account.id())).map(at -> new Since(at, true));
    }

    private static Optional<Instant> latest(String monitorId, Account account, Set<EventType> types, List<OutboxEntry> outbox) {
        return outbox.stream().map(OutboxEntry::event)
                .filter(e -> e.monitorId().equals(monitorId) && types.contains(e.type())
                        && e.account().map(a -> a.id().equals(account.id())).orElse(false))
                .map(ChangeEvent::at).max(Comparator.naturalOrder());
    }

    private Change change(OutboxEntry entry) {
        ChangeEvent event = entry.event();
        List<DeliveryOutcome> deliveries = inOrder(configuredNotifiers, entry.deliveries().keySet()).stream()
                .filter(entry.deliveries()::containsKey)
                .map(id -> outcome(id, entry.deliveries().get(id))).toList();
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
