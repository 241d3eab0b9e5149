package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.testkit.StateStoreContract;
import dev.mfamonitor.testkit.States;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the PostgreSQL store does beyond the contract: operations as small updates, the lock's session, the schema. */
class PostgresStateStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final TestPostgres server = TestPostgres.shared();
    private final String schema = TestPostgres.freshSchema("store");
    private final List<StateStore> stores = new ArrayList<>();

    private PostgresStateStore store() {
        PostgresStateStore store = new PostgresStateStore(server.settings(schema));
        stores.add(store);
        return store;
    }

    @AfterEach
    void close() {
        stores.forEach(StateStore::close);
    }

    @Test
    void marksUpdateDeliveriesInPlaceAndLeaveTheSnapshotRowsAlone() throws Exception {
        PostgresStateStore store = store();
        StoredState rich = StateStoreContract.richState();
        try (StateStore.Lock lock = store.lock()) {
            store.commit(new RunCommit(rich.monitors(), rich.outbox(), List.of(), Set.of()));
            List<String> before = accountVersions();

            Delivery delivered = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(T0), Optional.empty());
            Delivery failing = new Delivery(Delivery.State.PENDING, 4, Optional.of(T0), Optional.of("HTTP 503\n\u0000 nul"));
            OutboxEntry first = rich.outbox().get(0);
            OutboxEntry second = rich.outbox().get(1);
            String firstNotifier = first.deliveries().keySet().iterator().next();
            String secondNotifier = second.deliveries().keySet().iterator().next();
            store.mark(List.of(new DeliveryMark(first.id(), firstNotifier, delivered),
                    new DeliveryMark(second.id(), secondNotifier, failing),
                    new DeliveryMark("ob_missing", firstNotifier, delivered)));

            StoredState loaded = store.load();
            List<OutboxEntry> expected = new ArrayList<>(rich.outbox());
            expected.set(0, first.with(firstNotifier, delivered));
            expected.set(1, second.with(secondNotifier, failing));
            assertThat(loaded.outbox()).containsExactlyElementsOf(expected);
            assertThat(loaded.monitors()).isEqualTo(rich.monitors());
            assertThat(accountVersions()).isEqualTo(before);
        }
    }

    @Test
    void aCommitOfUnchangedAccountsDoesNotRewriteThemButAChangedListIsReplacedWhole() throws Exception {
        PostgresStateStore store = store();
        Snapshot first = Snapshot.of("github", T0, List.of(account("1", MfaStatus.ENABLED), account("2", MfaStatus.DISABLED)));
        try (StateStore.Lock lock = store.lock()) {
            store.commit(commit(Map.of("gh", States.after(first)), List.of(), Set.of()));
            List<String> before = accountVersions();

            Snapshot same = Snapshot.of("github", T0.plusSeconds(3600), first.accounts());
            store.commit(commit(Map.of("gh", States.after(same)), List.of(), Set.of()));
            assertThat(accountVersions()).isEqualTo(before);
            assertThat(store.load().monitors().get("gh").lastGood()).contains(same);

            Snapshot changed = Snapshot.of("github", T0.plusSeconds(7200), List.of(account("2", MfaStatus.ENABLED)));
            store.commit(commit(Map.of("gh", States.after(changed)), List.of(), Set.of()));
            assertThat(store.load().monitors().get("gh").lastGood()).contains(changed);
            assertThat(count("accounts")).isEqualTo(1);
        }
    }

    @Test
    void aCommitAddsEntriesAppliesItsMarksDropsSettledEntriesAndKeepsOtherMonitors() throws Exception {
        PostgresStateStore store = store();
        OutboxEntry old = entry("old", T0);
        OutboxEntry stays = entry("stays", T0.plusSeconds(1));
        MonitorState aws = States.after(Snapshot.of("aws", T0, List.of(account("arn:a", MfaStatus.DISABLED))));
        try (StateStore.Lock lock = store.lock()) {
            store.commit(commit(Map.of("aws", aws), List.of(old, stays), Set.of()));

            MonitorState gh = States.after(Snapshot.of("github", T0, List.of(account("7", MfaStatus.ENABLED))));
            OutboxEntry fresh = entry("fresh", T0.plusSeconds(2));
            Delivery abandoned = new Delivery(Delivery.State.ABANDONED, 9, Optional.of(T0), Optional.of("gave up"));
            store.commit(new RunCommit(Map.of("gh", gh), List.of(fresh),
                    List.of(new DeliveryMark("stays", "slack", abandoned)), Set.of("old")));

            StoredState loaded = store.load();
            assertThat(loaded.monitors()).isEqualTo(Map.of("aws", aws, "gh", gh));
            assertThat(loaded.outbox()).extracting(OutboxEntry::id).containsExactly("stays", "fresh");
            assertThat(loaded.outbox().get(0).deliveries()).isEqualTo(Map.of("slack", abandoned, "siem", Delivery.NEW));
            assertThat(count("deliveries")).isEqualTo(4);
        }
    }

    @Test
    void eventsOfTypesThisRunnerDoesNotKnowAndNoticesLoadWithTheirWholeDefinition() throws Exception {
        // A type no code of this JVM declared: as if written by a newer plugin.
        EventType unknown = EventType.restore("gitlab.TOKEN_WITHOUT_EXPIRY", "Token without expiry", Severity.MEDIUM, false);
        Account nul = new Account("id\u0000x", "name with \u0000 nul\ttab\\", "member", MfaStatus.DISABLED, "s\u0000",
                Map.of("k\u0000", "v\u0000"));
        ChangeEvent inner = ChangeEvent.builder(unknown, "gitlab", "gitlab", T0).account(nul).detail("token t-1").build();
        ChangeEvent abandonedNotice = ChangeEvent.builder(EventType.DELIVERY_ABANDONED, "", "mfa-monitor", T0)
                .notifierId("pager").carried(List.of(inner)).detail("2 alerts").build();
        Snapshot withNotice = new Snapshot("gitlab", T0, List.of(nul), Map.of(), Map.of(), List.of(),
                List.of(new Notice(unknown, Optional.of("id\u0000x"), "t-1", "token t-1 never expires")));
        OutboxEntry a = new OutboxEntry("a", inner, T0, Map.of("slack", Delivery.NEW));
        OutboxEntry b = new OutboxEntry("b", abandonedNotice, T0, Map.of("slack", Delivery.NEW));

        PostgresStateStore store = store();
        store.commit(commit(Map.of("gitlab", States.after(withNotice)), List.of(a, b), Set.of()));

        StoredState loaded = store().load();
        assertThat(loaded.outbox()).containsExactly(a, b);
        EventType read = loaded.outbox().get(0).event().type();
        assertThat(read.words()).isEqualTo("Token without expiry");
        assertThat(read.defaultSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(loaded.outbox().get(1).event().carried()).containsExactly(inner);
        assertThat(loaded.monitors().get("gitlab").lastGood()).contains(withNotice);
    }

    @Test
    void aSchemaWrittenByANewerRunnerIsUnreadableAndLeftAlone() throws Exception {
        store().commit(commit(Map.of("gh", States.after(Snapshot.of("github", T0, List.of()))), List.of(), Set.of()));
        server.execute("INSERT INTO " + schema + ".schema_version (version, description) VALUES (99, 'V99__future.sql')");

        PostgresStateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            assertThatThrownBy(store::load).isInstanceOf(StateUnreadableException.class)
                    .hasMessageContaining("schema 99")
                    .hasMessageContaining("newer mfa-monitor")
                    .hasMessageContaining("reads schema " + PostgresStateStore.SCHEMA_VERSION)
                    .hasMessageContaining("PostgreSQL database 'postgres' on 127.0.0.1:");
            assertThatThrownBy(() -> store.commit(commit(Map.of(), List.of(), Set.of())))
                    .isInstanceOf(IOException.class).hasMessageContaining("never downgrades");
        }
        assertThat(count("schema_version")).isEqualTo(3);
        assertThat(count("monitors")).isEqualTo(1);
    }

    @Test
    void aStoredDocumentThatIsNotTheStateIsUnreadableNotAFreshStart() throws Exception {
        store().commit(commit(Map.of("gh", States.after(Snapshot.of("github", T0, List.of(account("1", MfaStatus.ENABLED))))),
                List.of(), Set.of()));
        server.execute("UPDATE " + schema + ".accounts SET account = '{\"id\": 5}'");

        assertThatThrownBy(() -> store().load()).isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("an account.id is NUMBER, not a string")
                .hasMessageContaining("left the database unchanged");
    }

    @Test
    void theMigrationIsRecordedWithItsVersion() throws Exception {
        store().commit(commit(Map.of(), List.of(), Set.of()));
        try (Connection connection = server.admin(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT version, description FROM " + schema + ".schema_version")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getInt(1)).isEqualTo(1);
            assertThat(row.getString(2)).isEqualTo("V1__initial.sql");
            assertThat(row.next()).isTrue();
            assertThat(row.getInt(1)).isEqualTo(2);
            assertThat(row.getString(2)).isEqualTo("V2__history.sql");
            assertThat(row.next()).isFalse();
        }
    }

    @Test
    void aDatabaseOfSchemaOneLoadsAsItWasAndGainsItsHistoryInTheFirstCommit() throws Exception {
        StoredState state = StateStoreContract.richState();
        store().commit(StateStoreContract.commitOf(state));
        // What the release before the history left: schema 1, without the history tables.
        server.execute("DROP TABLE " + schema + ".history_deliveries, " + schema + ".history_events, " + schema
                + ".history_runs; DELETE FROM " + schema + ".schema_version WHERE version = 2");

        PostgresStateStore store = store();
        RunCommit next = new RunCommit(Map.of(), List.of(), List.of(), Set.of(), List.of(), List.of(
                new dev.mfamonitor.spi.state.RunSummary("github-acme", "github", T0,
                        dev.mfamonitor.spi.state.RunSummary.Health.OK, Optional.empty(), 2, 0, 1, 1, 0, 1)),
                Optional.of(T0.minus(java.time.Duration.ofDays(400))));
        try (StateStore.Lock lock = store.lock()) {
            assertThat(store.load()).isEqualTo(state);
            assertThat(store.history(dev.mfamonitor.spi.state.HistoryQuery.ALL))
                    .isEqualTo(dev.mfamonitor.spi.state.History.EMPTY);
            store.mark(List.of(new DeliveryMark(state.outbox().get(0).id(), "security-slack", new Delivery(
                    Delivery.State.DELIVERED, 1, Optional.of(T0), Optional.empty()))));
            store.commit(next);
        }

        assertThat(count("schema_version")).isEqualTo(2);
        StoredState after = store().load();
        assertThat(after.monitors()).isEqualTo(state.monitors());
        assertThat(after.outbox().get(0).deliveries().get("security-slack").state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(store().history(dev.mfamonitor.spi.state.HistoryQuery.ALL).runs()).isEqualTo(next.runs());
    }

    @Test
    void theLockSessionEndsItselfAboutFiftySecondsAfterTheRunnerVanishesAndIsNeverLeftInATransaction() throws Exception {
        PostgresStateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            assertThat(store.lockSessionSetting("tcp_keepalives_idle")).isEqualTo("20");
            assertThat(store.lockSessionSetting("tcp_keepalives_interval")).isEqualTo("10");
            assertThat(store.lockSessionSetting("tcp_keepalives_count")).isEqualTo("3");
            assertThat(store.lockSessionSetting("tcp_user_timeout")).isEqualTo("50000");
            store.commit(commit(Map.of(), List.of(), Set.of()));
            store.load();
            try (Connection admin = server.admin(); Statement statement = admin.createStatement();
                 ResultSet row = statement.executeQuery("SELECT state, xact_start IS NULL FROM pg_stat_activity WHERE pid = "
                         + store.lockSessionPid())) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("idle");
                assertThat(row.getBoolean(2)).isTrue();
            }
        }
    }

    @Test
    void aRunWhoseLockSessionDiedCannotCommitAndStoresNothing() throws Exception {
        PostgresStateStore store = store();
        MonitorState before = States.after(Snapshot.of("github", T0, List.of(account("1", MfaStatus.ENABLED))));
        store.commit(commit(Map.of("gh", before), List.of(), Set.of()));
        try (StateStore.Lock lock = store.lock()) {
            server.execute("SELECT pg_terminate_backend(" + store.lockSessionPid() + ")");
            // Another run may now take the lock and work.
            try (StateStore.Lock other = store().lock()) {
                MonitorState stale = States.after(Snapshot.of("github", T0.plusSeconds(60), List.of()));
                assertThatThrownBy(() -> store.commit(commit(Map.of("gh", stale), List.of(entry("e", T0)), Set.of())))
                        .isInstanceOf(IOException.class).hasMessageContaining("this run lost its lock")
                        .hasMessageContaining("nothing of this run was stored");
            }
        }
        assertThat(store().load()).isEqualTo(new StoredState(Map.of("gh", before), List.of()));
    }

    @Test
    void aCommitWithoutTheLockIsRefusedWhileARunHoldsIt() throws Exception {
        PostgresStateStore running = store();
        try (StateStore.Lock lock = running.lock()) {
            assertThatThrownBy(() -> store().commit(commit(Map.of("gh", MonitorState.NEW), List.of(), Set.of())))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use by a running mfa-monitor run");
            assertThatThrownBy(() -> store().lock()).isInstanceOf(StateLockedException.class)
                    .hasMessageContaining("mfa-monitor (run lock)")
                    .hasMessageContaining("this run did nothing");
        }
        assertThat(store().load()).isEqualTo(StoredState.EMPTY);
    }

    @Test
    void aRunStartedTheMomentTheLastOneEndedGetsTheLock() throws Exception {
        // Closing the lock's connection only asks the server to end the session; the lock is released explicitly
        // first, so that back-to-back runs (a test suite, a timer that fires late) never see it still held.
        for (int run = 0; run < 40; run++) {
            try (PostgresStateStore store = store(); StateStore.Lock lock = store.lock()) {
                assertThat(lock).as("run %d", run).isNotNull();
            }
        }
    }

    @Test
    void twoSchemasHaveTwoLocks() throws Exception {
        PostgresStateStore other = new PostgresStateStore(server.settings(TestPostgres.freshSchema("other")));
        stores.add(other);
        try (StateStore.Lock one = store().lock(); StateStore.Lock two = other.lock()) {
            assertThat(PostgresStateStore.lockKey(schema)).isNotEqualTo(PostgresStateStore.lockKey("other"));
        }
    }

    // ---- helpers

    /** The row versions (xmin) of the accounts table: an update or rewrite changes them. */
    private List<String> accountVersions() throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = server.admin(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT xmin::text || ':' || ctid::text FROM " + schema
                     + ".accounts ORDER BY monitor_id, position")) {
            while (row.next()) {
                versions.add(row.getString(1));
            }
        }
        assertThat(versions).isNotEmpty();
        return versions;
    }

    private long count(String table) throws Exception {
        try (Connection connection = server.admin(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
            row.next();
            return row.getLong(1);
        }
    }

    static Account account(String id, MfaStatus mfa) {
        return new Account(id, "user-" + id, "member", mfa);
    }

    static OutboxEntry entry(String id, Instant at) {
        ChangeEvent event = ChangeEvent.builder(EventType.MFA_DISABLED, "gh", "github", at)
                .account(account("u-" + id, MfaStatus.DISABLED)).previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED).build();
        return new OutboxEntry(id, event, at, Map.of("slack", Delivery.NEW, "siem", Delivery.NEW));
    }

    static RunCommit commit(Map<String, MonitorState> monitors, List<OutboxEntry> entries, Set<String> settled) {
        return new RunCommit(monitors, entries, List.of(), settled);
    }
}
