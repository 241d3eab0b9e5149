package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour the engine relies on from every {@link StateStore}, ours and third-party: lock, load, commit and
 * mark as the engine calls them in a run.
 *
 * <p>To use it, extend it in the store's own tests and say how to create a store:
 *
 * <pre>{@code
 * class RedisStateStoreContractTest extends StateStoreContract {
 *     @Override
 *     protected StateStore createStore(Path directory) {
 *         return new RedisStateStore(redisUri, "mfa-test-" + directory.getFileName());
 *     }
 * }
 * }</pre>
 *
 * Every test here then runs against that store. Each test gets a fresh, empty temporary directory; every call of
 * {@link #createStore} with the same directory must return a store over the same state and the same lock (as two
 * runs configured alike would), and stores over different directories must not share anything. Stores are closed
 * after each test. Add the store's own tests (crash safety, file modes, its failure messages) beside this class.
 */
public abstract class StateStoreContract {

    @TempDir
    protected Path directory;

    private final List<StateStore> created = new ArrayList<>();

    /**
     * A new store keeping its state in (or keyed by) {@code directory}; called once or more per test.
     *
     * @param directory an empty temporary directory that lives as long as the test
     */
    protected abstract StateStore createStore(Path directory) throws Exception;

    /** A store over this test's directory, closed after the test. */
    protected final StateStore store() throws Exception {
        StateStore store = createStore(directory);
        created.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        for (StateStore store : created) {
            store.close();
        }
    }

    @Test
    void aFreshStoreLoadsTheEmptyStateOfAFirstRun() throws Exception {
        StoredState loaded = store().load();

        assertThat(loaded).isEqualTo(StoredState.EMPTY);
        assertThat(loaded.firstRun()).isTrue();
    }

    @Test
    void loadReturnsExactlyWhatWasCommitted() throws Exception {
        StoredState state = richState();
        StateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            assertThat(store.load().firstRun()).isTrue();
            store.commit(commitOf(state));
            assertThat(store.load()).isEqualTo(state);
        }
        StoredState again = store().load();
        assertThat(again).as("read by another store, as the next run would").isEqualTo(state);
        assertThat(again.firstRun()).isFalse();
    }

    @Test
    void aCommitReplacesTheMonitorsItNamesKeepsTheOthersAppendsItsEntriesAndDropsTheSettled() throws Exception {
        StoredState first = richState();
        StateStore store = store();
        MonitorState failing = new MonitorState(first.monitors().get("github-acme").lastGood(), 1,
                Optional.of("timed out"), Map.of());
        OutboxEntry added = entry("run-2-entry", event("e-new", EventType.MFA_DISABLED, "github-acme"),
                Map.of("security-slack", Delivery.NEW));
        String settled = first.outbox().get(1).id();

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(commitOf(first));
            store.commit(new RunCommit(Map.of("github-acme", failing), List.of(added), List.of(), Set.of(settled)));
        }

        Map<String, MonitorState> monitors = new TreeMap<>(first.monitors());
        monitors.put("github-acme", failing);
        List<OutboxEntry> outbox = new ArrayList<>(first.outbox());
        outbox.remove(1);
        outbox.add(added);
        assertThat(store().load()).isEqualTo(new StoredState(monitors, outbox));
    }

    @Test
    void marksAreVisibleToTheNextLoadAndTheLatestMarkOfADeliveryWins() throws Exception {
        StoredState state = richState();
        OutboxEntry disabled = state.outbox().get(0);
        Instant at = Instant.parse("2024-05-01T12:05:00Z");
        Delivery delivered = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(at), Optional.empty());
        Delivery failed = new Delivery(Delivery.State.PENDING, 4, Optional.of(at), Optional.of("HTTP 503"));
        Delivery finallyDelivered = new Delivery(Delivery.State.DELIVERED, 5, Optional.of(at.plusSeconds(60)), Optional.empty());
        StateStore store = store();

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(commitOf(state));
            store.mark(List.of(new DeliveryMark(disabled.id(), "security-slack", delivered),
                    new DeliveryMark(disabled.id(), "siem", failed)));
            store.mark(List.of(new DeliveryMark(disabled.id(), "siem", finallyDelivered)));
            assertThat(store.load().outbox().get(0).deliveries())
                    .containsEntry("security-slack", delivered)
                    .containsEntry("siem", finallyDelivered);
        }

        List<OutboxEntry> outbox = new ArrayList<>(state.outbox());
        outbox.set(0, disabled.with("security-slack", delivered).with("siem", finallyDelivered));
        assertThat(store().load()).isEqualTo(new StoredState(state.monitors(), outbox));
    }

    @Test
    void marksOutliveTheNextCommitAndCommitMarksApplyToo() throws Exception {
        StoredState state = richState();
        OutboxEntry disabled = state.outbox().get(0);
        OutboxEntry failedMonitor = state.outbox().get(1);
        Instant at = Instant.parse("2024-05-01T12:05:00Z");
        Delivery delivered = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(at), Optional.empty());
        Delivery abandoned = new Delivery(Delivery.State.ABANDONED, 9, Optional.of(at), Optional.of("gave up"));
        OutboxEntry added = entry("run-2-entry", event("e-new", EventType.MFA_DISABLED, "github-acme"),
                Map.of("security-slack", Delivery.NEW));
        StateStore store = store();

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(commitOf(state));
            store.mark(List.of(new DeliveryMark(disabled.id(), "security-slack", delivered)));
        }
        StateStore nextRun = store();
        try (StateStore.Lock lock = nextRun.lock()) {
            nextRun.load();
            nextRun.commit(new RunCommit(Map.of(), List.of(added),
                    List.of(new DeliveryMark(failedMonitor.id(), "security-slack", abandoned)), Set.of()));
        }

        List<OutboxEntry> outbox = new ArrayList<>(state.outbox());
        outbox.set(0, disabled.with("security-slack", delivered));
        outbox.set(1, failedMonitor.with("security-slack", abandoned));
        outbox.add(added);
        assertThat(store().load()).isEqualTo(new StoredState(state.monitors(), outbox));
    }

    @Test
    void marksForEntriesTheStoreDoesNotHoldAreIgnored() throws Exception {
        StoredState state = richState();
        Delivery delivered = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(Instant.parse("2024-05-01T12:05:00Z")),
                Optional.empty());
        StateStore store = store();

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.mark(List.of(new DeliveryMark("no-such-entry", "security-slack", delivered)));
            assertThat(store.load()).isEqualTo(StoredState.EMPTY);
            store.commit(commitOf(state));
            store.mark(List.of(new DeliveryMark("no-such-entry", "security-slack", delivered)));
            store.mark(List.of());
        }

        assertThat(store().load()).isEqualTo(state);
    }

    @Test
    void entryIdsStayWhatTheEngineGaveThemThroughMarksAndCommits() throws Exception {
        StoredState state = richState();
        List<String> ids = state.outbox().stream().map(OutboxEntry::id).toList();
        StateStore store = store();

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(commitOf(state));
            store.mark(List.of(new DeliveryMark(ids.get(2), "webhook", new Delivery(Delivery.State.DELIVERED, 2,
                    Optional.empty(), Optional.empty()))));
            store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of()));
        }

        assertThat(store().load().outbox()).extracting(OutboxEntry::id).containsExactlyElementsOf(ids);
    }

    @Test
    void anEventTypeThisRunnerDoesNotKnowComesBackWithItsWordsSeverityAndNews() throws Exception {
        StoredState state = richState();
        StateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(commitOf(state));
        }

        StoredState loaded = store().load();

        EventType type = loaded.outbox().get(2).event().type();
        assertThat(type.name()).isEqualTo(PLUGIN_TYPE.name());
        assertThat(type.words()).isEqualTo("Token without expiry");
        assertThat(type.defaultSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(type.goodNews()).isTrue();
        assertThat(type.declaredByPlugin()).isTrue();
        Notice notice = loaded.monitors().get("github-acme").lastGood().orElseThrow().notices().get(0);
        assertThat(notice.type().words()).isEqualTo("Token without expiry");
        assertThat(notice.type().goodNews()).isTrue();
    }

    @Test
    void aRefusedCommitStoresNothingOfIt() throws Exception {
        StoredState state = richState();
        StateStore store = store();
        MonitorState failing = new MonitorState(Optional.empty(), 7, Optional.of("should not be stored"), Map.of());
        OutboxEntry clash = entry(state.outbox().get(0).id(), event("e-other", EventType.MFA_DISABLED, "github-acme"),
                Map.of("security-slack", Delivery.NEW));

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(commitOf(state));
            assertThatThrownBy(() -> store.commit(new RunCommit(Map.of("github-acme", failing), List.of(clash),
                    List.of(), Set.of()))).as("an entry id the store already holds").isInstanceOf(Exception.class);
            assertThat(store.load()).isEqualTo(state);
        }
        assertThat(store().load()).isEqualTo(state);
    }

    @Test
    void aReaderDuringCommitsSeesOneWholeStateOrTheOther() throws Exception {
        StoredState odd = richState();
        StoredState even = new StoredState(Map.of("github-acme", new MonitorState(Optional.empty(), 1,
                Optional.of("timed out"), Map.of())), List.of());
        StateStore writer = store();
        StateStore reader = store();
        AtomicBoolean stop = new AtomicBoolean();
        StateStore.Lock lock = writer.lock();
        CompletableFuture<Integer> committing;
        int loads = 0;
        try {
            writer.load();
            writer.commit(commitOf(odd));
            committing = CompletableFuture.supplyAsync(() -> {
                int commits = 0;
                try {
                    while (!stop.get()) {
                        StoredState next = commits % 2 == 0 ? even : odd;
                        StoredState now = writer.load();
                        Set<String> settled = new java.util.HashSet<>();
                        now.outbox().forEach(e -> settled.add(e.id()));
                        writer.commit(new RunCommit(next.monitors(), next.outbox(), List.of(), settled));
                        commits++;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return commits;
            });
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
            while (System.nanoTime() < deadline) {
                StoredState loaded = reader.load();
                assertThat(loaded.outbox()).as("load %d", loads).isIn(odd.outbox(), even.outbox());
                assertThat(loaded.monitors().get("github-acme")).as("load %d", loads)
                        .isIn(odd.monitors().get("github-acme"), even.monitors().get("github-acme"));
                loads++;
            }
        } finally {
            stop.set(true);
        }
        try {
            assertThat(committing.get(30, TimeUnit.SECONDS)).isGreaterThan(2);
        } finally {
            lock.close();
        }
        assertThat(loads).isGreaterThan(2);
    }

    @Test
    void theLockIsExclusiveBetweenStoresAndCanBeTakenAgainAfterItIsReleased() throws Exception {
        StateStore store = store();
        StateStore otherRun = store();

        StateStore.Lock first = store.lock();
        try {
            assertThatThrownBy(store::lock).isInstanceOf(StateLockedException.class);
            assertThatThrownBy(otherRun::lock).isInstanceOf(StateLockedException.class);
        } finally {
            first.close();
        }

        StateStore.Lock again = otherRun.lock();
        try {
            assertThatThrownBy(store::lock).isInstanceOf(StateLockedException.class);
        } finally {
            again.close();
        }
        store.lock().close();
    }

    @Test
    void describeSaysWhereTheStateLivesWithoutBeingBlank() throws Exception {
        assertThat(store().describe()).isNotBlank();
    }

    /** A plugin's own event type, as a plugin this runner may not have would declare it. */
    public static final EventType PLUGIN_TYPE = EventType.declare("contract-test.TOKEN_WITHOUT_EXPIRY",
            "Token without expiry", Severity.MEDIUM, true);

    /** The commit that stores {@code state} into an empty store. */
    public static RunCommit commitOf(StoredState state) {
        return new RunCommit(state.monitors(), state.outbox(), List.of(), Set.of());
    }

    /**
     * A state that uses every part of the model: several monitors, one never successful and failing, accounts with
     * hostile and non-ASCII names, scopes, facts, requirements, gaps, a notice of a plugin's type, nanosecond times,
     * and outbox entries whose events have present and absent optional parts (a notifier id, carried events, a plugin
     * event type) and whose deliveries are in every {@link Delivery.State}.
     */
    public static StoredState richState() {
        Instant observed = Instant.parse("2024-05-01T12:00:00.123456789Z");
        Account slackHostile = new Account("1001", "<!channel> & <@U123>", "member", MfaStatus.DISABLED, "",
                Map.of("role", "admin", "note", "\"quote\n\"\ttab \\ backslash"));
        Account unicode = new Account("1002", "José Müller 🔐 \u202Eevil", "outside-collaborator", MfaStatus.ENABLED);
        Account control = new Account("1003", "\"quote\n\"", "member", MfaStatus.UNKNOWN, "",
                Map.of("weird key \u0000 . $", "${env:HOME}", "empty", ""));
        Account emptyName = new Account("1004", "", "member", MfaStatus.NOT_APPLICABLE);
        Snapshot github = new Snapshot("github", observed, List.of(slackHostile, unicode, control, emptyName),
                Map.of("organization requires 2FA", MfaStatus.DISABLED, "enterprise requires 2FA", MfaStatus.UNKNOWN),
                Map.of("plan", "enterprise", "members", "4"),
                List.of(),
                List.of(new Notice(PLUGIN_TYPE, Optional.of("1001"), "token-77", "token 'ci' never expires"),
                        new Notice(PLUGIN_TYPE, Optional.empty(), "org-token", "")));

        Account iamUser = new Account("arn:aws:iam::123456789012:user/alice@2020-01-02T03:04:05Z", "alice",
                "iam-user", MfaStatus.DISABLED, "123456789012",
                Map.of("consoleAccess", "true", "lastUsed", "2024-04-30T08:00:00Z", "weakMfa", "false"));
        Account root = new Account("arn:aws:iam::123456789012:root", "<root>", "root", MfaStatus.ENABLED,
                "123456789012", Map.of("mfaDevice", "hardware"));
        Snapshot aws = new Snapshot("aws", Instant.parse("2024-05-01T11:58:00Z"), List.of(root, iamUser),
                Map.of(), Map.of("reportGeneratedAt", "2024-05-01T11:50:00Z"),
                List.of(new Gap("210987654321", "could not assume role MfaMonitorReadOnly: AccessDenied"),
                        new Gap(Gap.WHOLE_SOURCE, "line one\nline two \"quoted\"")));

        Snapshot emptySource = Snapshot.of("inventory", Instant.parse("2023-12-31T23:59:59Z"), List.of());

        Map<String, MonitorState> monitors = Map.of(
                "github-acme", new MonitorState(Optional.of(github), 0, Optional.empty(),
                        Map.of("1001", Instant.parse("2024-04-24T12:00:00Z"), "1003", observed)),
                "aws/prod.eu", new MonitorState(Optional.of(aws), 2, Optional.of("GitHub answered 502 \"Bad gateway\""),
                        Map.of()),
                "never-worked", new MonitorState(Optional.empty(), 5, Optional.of("connect timed out\nafter 30s"),
                        Map.of()),
                "inventory-📋", new MonitorState(Optional.of(emptySource), 0, Optional.empty(), Map.of()));

        Instant at = Instant.parse("2024-05-01T12:00:01Z");
        ChangeEvent disabled = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github", observed)
                .severity(Severity.CRITICAL).account(slackHostile).previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED)
                .detail("owner <!here> lost 2FA").build();
        ChangeEvent failed = ChangeEvent.builder(EventType.MONITOR_FAILED, "never-worked", "github", at).build();
        ChangeEvent token = ChangeEvent.builder(PLUGIN_TYPE, "github-acme", "github", at).id("e-3")
                .account(slackHostile).detail("token 'ci' never expires").build();
        ChangeEvent removed = ChangeEvent.builder(EventType.ACCOUNT_REMOVED, "github-acme", "github", at).id("e-4")
                .account(unicode).previous(MfaStatus.ENABLED).detail("José left").build();
        ChangeEvent arrived = ChangeEvent.builder(EventType.NEW_ACCOUNT_WITHOUT_MFA, "aws/prod.eu", "aws", at).id("e-5")
                .account(iamUser).current(MfaStatus.DISABLED).detail("new IAM user").build();
        ChangeEvent abandoned = ChangeEvent.builder(EventType.DELIVERY_ABANDONED, "", "mfa-monitor", at.plusSeconds(259_200))
                .notifierId("email").detail("1 event(s) could not be delivered to notifier 'email' within 72h")
                .carried(List.of(arrived, token)).build();

        List<OutboxEntry> outbox = List.of(
                new OutboxEntry("0001-disabled", disabled, at, Map.of(
                        "security-slack", Delivery.NEW,
                        "siem", new Delivery(Delivery.State.PENDING, 3, Optional.of(at.plusSeconds(60)),
                                Optional.of("HTTP 503 \"Service Unavailable\"\nretry later")),
                        "pager", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(at.plusMillis(250)), Optional.empty()),
                        "email", new Delivery(Delivery.State.ABANDONED, 12, Optional.of(at.plusSeconds(259_200)),
                                Optional.of("550 mailbox unavailable")))),
                new OutboxEntry("0002-failed", failed, at.plusNanos(1), Map.of("security-slack", Delivery.NEW)),
                new OutboxEntry("0003 token \u00e9", token, at, Map.of("webhook", Delivery.NEW)),
                new OutboxEntry("0004-removed", removed, at, Map.of("siem", new Delivery(Delivery.State.PENDING, 1,
                        Optional.empty(), Optional.of("connection reset")))),
                new OutboxEntry("0005-abandoned", abandoned, at.plusSeconds(259_200), Map.of(
                        "security-slack", Delivery.NEW, "siem", Delivery.NEW)));

        return new StoredState(monitors, outbox);
    }

    private static ChangeEvent event(String id, EventType type, String monitorId) {
        return ChangeEvent.builder(type, monitorId, "github", Instant.parse("2024-05-02T00:00:00Z")).id(id).build();
    }

    private static OutboxEntry entry(String id, ChangeEvent event, Map<String, Delivery> deliveries) {
        return new OutboxEntry(id, event, Instant.parse("2024-05-02T00:00:01Z"), deliveries);
    }
}
