package dev.mfamonitor.runner.report;

import dev.mfamonitor.core.Exemption;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.runner.report.ReportData.AccountRow;
import dev.mfamonitor.runner.report.ReportData.Since;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.History;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.HistoryQuery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunSummary;
import dev.mfamonitor.spi.state.StoredState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What the report shows, from a state and a policy built by hand. */
class ReportBuilderTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Instant BASELINE = Instant.parse("2026-11-01T08:00:00Z");

    private static Account account(String id, String name, MfaStatus mfa, Map<String, String> facts) {
        return new Account(id, name, "member", mfa, "", facts);
    }

    private static OutboxEntry entry(String id, ChangeEvent event, Map<String, Delivery> deliveries) {
        return new OutboxEntry(id, event, event.at(), deliveries);
    }

    private static StoredState state() {
        Account carol = account("3", "carol", MfaStatus.DISABLED, Map.of());
        Account dave = account("4", "dave", MfaStatus.DISABLED, Map.of());
        Account owner = account("5", "root-of-all", MfaStatus.DISABLED, Map.of("role", "admin"));
        Account erin = account("6", "erin", MfaStatus.ENABLED, Map.of("weakMfa", "true", "methods", "sms"));
        Snapshot github = new Snapshot("github", NOW.minus(Duration.ofHours(1)), List.of(
                account("1", "alice", MfaStatus.ENABLED, Map.of()), carol, dave, owner, erin,
                account("7", "bot", MfaStatus.NOT_APPLICABLE, Map.of()), account("8", "ghost", MfaStatus.UNKNOWN, Map.of())),
                Map.of(), Map.of(), List.of(new Gap("acme-private", "403 for the private members")));
        Instant carolAt = Instant.parse("2026-11-30T09:00:00Z");
        ChangeEvent carolDisabled = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github", carolAt)
                .account(carol).previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED).build();
        ChangeEvent failed = ChangeEvent.builder(EventType.MONITOR_FAILED, "aws-prod", "aws", NOW.minus(Duration.ofMinutes(10)))
                .detail("AccessDenied").build();
        ChangeEvent old = ChangeEvent.builder(EventType.MFA_ENABLED, "github-acme", "github", NOW.minus(Duration.ofDays(40)))
                .account(account("1", "alice", MfaStatus.ENABLED, Map.of())).build();
        Delivery retrying = new Delivery(Delivery.State.PENDING, 3, Optional.of(NOW.minus(Duration.ofMinutes(9))), Optional.of("Slack answered 503"));
        return new StoredState(Map.of(
                "github-acme", new MonitorState(Optional.of(github), 0, Optional.empty(),
                        Map.of("4", BASELINE, "5", Instant.parse("2026-11-20T08:00:00Z"))),
                "aws-prod", new MonitorState(Optional.empty(), 2, Optional.of("AccessDenied"), Map.of()),
                "renamed-away", new MonitorState(Optional.of(Snapshot.of("gitlab", BASELINE, List.of())), 0, Optional.empty(), Map.of())),
                List.of(entry("e1", carolDisabled, Map.of("slack", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(carolAt), Optional.empty()))),
                        entry("e2", failed, Map.of("slack", retrying, "siem", Delivery.NEW)),
                        entry("e3", old, Map.of("slack", Delivery.NEW))));
    }

    private static ReportData build() throws Exception {
        return build(Optional.empty());
    }

    private static ReportData build(Optional<ReportBuilder.HistoryReader> history) throws Exception {
        Policy policy = Policy.defaults().withExemptions(List.of(
                new Exemption("github-acme", "dave", "leaves on Friday", Optional.of(LocalDate.parse("2026-12-05"))),
                new Exemption("github-acme", "7", "machine user", Optional.empty()),
                new Exemption("github-acme", "carol", "was on leave", Optional.of(LocalDate.parse("2026-12-01")))));
        return new ReportBuilder(List.of("github-acme", "aws-prod"), List.of("slack", "console"), policy, Duration.ofDays(30))
                .build(state(), history, NOW, "mfa-monitor 1.2.3", "file /var/lib/mfa/state.json");
    }

    @Test
    void accountsWithoutMfaAdminsFirstThenTheLongestWithoutWithHowTheStartIsKnown() throws Exception {
        List<AccountRow> without = build().withoutMfa();

        assertThat(without).extracting(AccountRow::name, AccountRow::privileged, AccountRow::since, AccountRow::exception)
                .containsExactly(
                        tuple("root-of-all", true, Optional.of(new Since(Instant.parse("2026-11-20T08:00:00Z"), true)), Optional.empty()),
                        tuple("dave", false, Optional.of(new Since(BASELINE, true)), Optional.of("leaves on Friday (until 2026-12-05)")),
                        tuple("carol", false, Optional.of(new Since(Instant.parse("2026-11-30T09:00:00Z"), false)), Optional.empty()));
    }

    @Test
    void weakMfaListsEnabledAccountsFlaggedWeakWithTheirOtherFacts() throws Exception {
        assertThat(build().weakMfa()).extracting(AccountRow::name, AccountRow::details, AccountRow::mfa)
                .containsExactly(tuple("erin", "methods=sms", MfaStatus.ENABLED));
    }

    @Test
    void withoutHistoryTheOneRunIsTheLastGoodSnapshotCountedAsRunSummariesCount() throws Exception {
        ReportData report = build();

        assertThat(report.coverage()).extracting(ReportData.CoverageSeries::monitorId)
                .containsExactly("github-acme", "aws-prod", "renamed-away");
        assertThat(report.coverage().get(0).points()).containsExactly(
                new ReportData.CoveragePoint(NOW.minus(Duration.ofHours(1)), 2, 6));
        assertThat(report.coverage().get(1).points()).isEmpty();
        assertThat(report.coverage().get(2).points().get(0).percent()).isEqualTo(100.0);
    }

    @Test
    void healthInConfigurationOrderThenIdsOnlyTheStateKnows() throws Exception {
        assertThat(build().monitors()).extracting(ReportData.MonitorHealth::id, ReportData.MonitorHealth::configured,
                        ReportData.MonitorHealth::failureStreak, ReportData.MonitorHealth::lastFailure,
                        ReportData.MonitorHealth::gaps, ReportData.MonitorHealth::healthy)
                .containsExactly(
                        tuple("github-acme", true, 0, Optional.empty(), List.of("acme-private: 403 for the private members"), false),
                        tuple("aws-prod", true, 2, Optional.of("AccessDenied"), List.of(), false),
                        tuple("renamed-away", false, 0, Optional.empty(), List.of(), true));
        assertThat(build().notifiers()).extracting(ReportData.NotifierHealth::id, ReportData.NotifierHealth::pending,
                        ReportData.NotifierHealth::lastError)
                .containsExactly(tuple("slack", 2, Optional.of("Slack answered 503")), tuple("console", 0, Optional.empty()),
                        tuple("siem", 1, Optional.empty()));
    }

    @Test
    void recentChangesNewestFirstWithinTheWindowWithEveryDelivery() throws Exception {
        List<ReportData.Change> changes = build().changes();

        assertThat(changes).extracting(ReportData.Change::type, ReportData.Change::monitorId, ReportData.Change::account)
                .containsExactly(tuple("Monitor failed", "aws-prod", Optional.empty()),
                        tuple("MFA disabled", "github-acme", Optional.of("carol")));
        assertThat(changes.get(0).deliveries()).extracting(ReportData.DeliveryOutcome::notifierId,
                        ReportData.DeliveryOutcome::state, ReportData.DeliveryOutcome::error)
                .containsExactly(tuple("slack", "pending after 3 attempts", Optional.of("Slack answered 503")),
                        tuple("siem", "pending", Optional.empty()));
        assertThat(changes.get(1).deliveries()).extracting(ReportData.DeliveryOutcome::state).containsExactly("delivered");
    }

    @Test
    void exceptionsSoonestToExpireFirstWithWhatTheyMatch() throws Exception {
        assertThat(build().exceptions()).extracting(ReportData.ExceptionRow::account, ReportData.ExceptionRow::active,
                        ReportData.ExceptionRow::matches)
                .containsExactly(tuple("carol", false, List.of("carol: disabled")),
                        tuple("dave", true, List.of("dave: disabled")),
                        tuple("7", true, List.of("bot: not applicable")));
    }

    /** A store's history, answering every query as a store would, and remembering the queries. */
    private static final class FakeHistory implements ReportBuilder.HistoryReader {
        final History history;
        final List<HistoryQuery> queries = new ArrayList<>();

        FakeHistory(History history) {
            this.history = history;
        }

        @Override
        public History read(HistoryQuery query) {
            queries.add(query);
            return history.select(query);
        }
    }

    private static RunSummary run(String monitor, String at, RunSummary.Health health, int enabled, int weak, int disabled,
                                  int unknown) {
        return new RunSummary(monitor, "github", Instant.parse(at), health,
                health == RunSummary.Health.OK ? Optional.empty() : Optional.of("answered 503"), enabled, weak, disabled, enabled + weak + disabled + unknown == 0 ? 0 : 1, unknown, 0);
    }

    private static FakeHistory history() {
        Account dave = account("4", "dave", MfaStatus.DISABLED, Map.of());
        ChangeEvent daveDisabled = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github",
                Instant.parse("2026-11-10T07:00:00Z")).account(dave).previous(MfaStatus.ENABLED).build();
        ChangeEvent daveEarlier = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github",
                Instant.parse("2026-11-03T07:00:00Z")).account(dave).previous(MfaStatus.ENABLED).build();
        ChangeEvent otherMonitor = ChangeEvent.builder(EventType.MFA_DISABLED, "aws-prod", "aws",
                Instant.parse("2026-11-25T07:00:00Z")).account(account("5", "root-of-all", MfaStatus.DISABLED, Map.of())).build();
        ChangeEvent recentNoNotifier = ChangeEvent.builder(EventType.REQUIREMENT_ENABLED, "github-acme", "github",
                NOW.minus(Duration.ofDays(2))).detail("organization requires 2FA").build();
        Instant told = NOW.minus(Duration.ofDays(3));
        ChangeEvent recentTold = ChangeEvent.builder(EventType.MFA_ENABLED, "github-acme", "github", told)
                .account(account("1", "alice", MfaStatus.ENABLED, Map.of())).previous(MfaStatus.DISABLED).build();
        return new FakeHistory(new History(List.of(
                new HistoryEntry("h1", daveEarlier, daveEarlier.at(), Map.of()),
                new HistoryEntry("h2", daveDisabled, daveDisabled.at(), Map.of("slack", Delivery.NEW)),
                new HistoryEntry("h3", otherMonitor, otherMonitor.at(), Map.of()),
                new HistoryEntry("h4", recentTold, told, Map.of("slack", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(told), Optional.empty()))),
                new HistoryEntry("h5", recentNoNotifier, recentNoNotifier.at(), Map.of())),
                List.of(run("github-acme", "2026-11-01T06:00:00Z", RunSummary.Health.OK, 4, 0, 1, 0),
                        run("aws-prod", "2026-11-01T06:00:00Z", RunSummary.Health.FAILED, 0, 0, 0, 0),
                        run("retired", "2026-11-01T06:00:00Z", RunSummary.Health.OK, 1, 0, 0, 0),
                        run("github-acme", "2026-11-15T06:00:00Z", RunSummary.Health.FAILED, 4, 0, 1, 0),
                        run("github-acme", "2026-12-02T11:00:00Z", RunSummary.Health.INCOMPLETE, 1, 1, 3, 1))));
    }

    @Test
    void withHistoryTheChartHasAPointPerStoredRunAndMarksFailedOnes() throws Exception {
        ReportData report = build(Optional.of(history()));

        assertThat(report.coverage()).extracting(ReportData.CoverageSeries::monitorId)
                .containsExactly("github-acme", "aws-prod", "renamed-away", "retired");
        assertThat(report.coverage().get(0).points()).containsExactly(
                new ReportData.CoveragePoint(Instant.parse("2026-11-01T06:00:00Z"), 4, 5, false, ""),
                new ReportData.CoveragePoint(Instant.parse("2026-11-15T06:00:00Z"), 4, 5, true,
                        "failed, showing the last good snapshot: answered 503"),
                new ReportData.CoveragePoint(Instant.parse("2026-12-02T11:00:00Z"), 2, 6, false,
                        "could not see everything: answered 503"));
        // A monitor that failed before it ever succeeded has nothing to draw; one without runs has no point.
        assertThat(report.coverage().get(1).points()).isEmpty();
        assertThat(report.coverage().get(2).points()).isEmpty();
        assertThat(report.coverage().get(3).points()).hasSize(1);
    }

    @Test
    void withHistorySinceIsTheLatestDisableEventElseAtLeastTheOldestRun() throws Exception {
        FakeHistory history = history();

        List<AccountRow> without = build(Optional.of(history)).withoutMfa();

        assertThat(without).extracting(AccountRow::name, AccountRow::since).containsExactly(
                // No event of its own monitor: alerted on 11-20, but the oldest run (11-01) is earlier.
                tuple("root-of-all", Optional.of(new Since(Instant.parse("2026-11-01T06:00:00Z"), true))),
                tuple("dave", Optional.of(new Since(Instant.parse("2026-11-10T07:00:00Z"), false))),
                tuple("carol", Optional.of(new Since(Instant.parse("2026-11-30T09:00:00Z"), false))));
        // The long query asks for the listed accounts only (every run with it), the short one for the window.
        assertThat(history.queries).containsExactly(HistoryQuery.ALL.withAccounts(Set.of("3", "4", "5", "6")),
                HistoryQuery.ALL.withSince(NOW.minus(Duration.ofDays(30))));
    }

    @Test
    void withHistoryRecentChangesAreTheWindowsEventsNewestFirstWithTheirDeliveries() throws Exception {
        ReportData report = build(Optional.of(history()));

        assertThat(report.changesFrom()).isEqualTo("the last 30 d");
        assertThat(report.changes()).extracting(ReportData.Change::type, ReportData.Change::account)
                .containsExactly(tuple("MFA requirement enabled", Optional.empty()), tuple("MFA enabled", Optional.of("alice")),
                        tuple("MFA disabled", Optional.of("root-of-all")), tuple("MFA disabled", Optional.of("dave")),
                        tuple("MFA disabled", Optional.of("dave")));
        assertThat(report.changes()).extracting(ReportData.Change::monitorId)
                .containsExactly("github-acme", "github-acme", "aws-prod", "github-acme", "github-acme");
        assertThat(report.changes().get(0).deliveries()).isEmpty();
        assertThat(report.changes().get(1).deliveries()).extracting(ReportData.DeliveryOutcome::state,
                ReportData.DeliveryOutcome::at).containsExactly(tuple("delivered", Optional.of(NOW.minus(Duration.ofDays(3)))));
    }
}
