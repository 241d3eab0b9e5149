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
import dev.mfamonitor.spi.state.History;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.HistoryQuery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.RunSummary;
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
 * mark as the engine calls them in a run, and the history ({@link StateStore#history}) for a store that
 * {@linkplain StateStore#keepsHistory() keeps one}; a store that keeps none must answer {@link History#EMPTY}.
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

    // ---- history

    @Test
    void theHistoryHoldsEveryCommittedEventWithItsDeliveriesAndEveryRunSummaryInOrder() throws Exception {
        StoredState state = richState();
        RunCommit commit = historyCommitOf(state, RUN_1);
        StateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(commit);
        }

        History history = store().history(HistoryQuery.ALL);

        if (!store.keepsHistory()) {
            assertThat(history).isEqualTo(History.EMPTY);
            return;
        }
        assertThat(history.events()).containsExactlyElementsOf(commit.history());
        assertThat(history.runs()).containsExactlyElementsOf(commit.runs());
        assertThat(history.events().get(5).deliveries()).as("an event no notifier takes").isEmpty();
        assertThat(store().load()).as("the history is not part of the state").isEqualTo(state);
    }

    @Test
    void marksUpdateTheHistoryAndItKeepsTheLastDeliveriesAfterTheOutboxDropsTheSettledEntry() throws Exception {
        StoredState state = richState();
        OutboxEntry disabled = state.outbox().get(0);
        OutboxEntry failedMonitor = state.outbox().get(1);
        Instant told = Instant.parse("2024-05-01T12:00:02.5Z");
        Delivery delivered = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(told), Optional.empty());
        Delivery siemDelivered = new Delivery(Delivery.State.DELIVERED, 4, Optional.of(told.plusSeconds(30)), Optional.empty());
        Delivery abandoned = new Delivery(Delivery.State.ABANDONED, 9, Optional.of(told), Optional.of("gave up"));
        StateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(historyCommitOf(state, RUN_1));
            store.mark(List.of(new DeliveryMark(disabled.id(), "security-slack", delivered)));
            store.mark(List.of(new DeliveryMark(disabled.id(), "siem", siemDelivered)));
            store.mark(List.of(new DeliveryMark(disabled.id(), "pager", delivered)));
            assertThat(store.history(HistoryQuery.ALL).events().stream().filter(e -> e.id().equals(disabled.id()))
                    .findFirst().map(e -> e.toldAt("siem")).orElseThrow())
                    .as("a mark before the next commit").contains(told.plusSeconds(30));
        }
        StateStore nextRun = store();
        try (StateStore.Lock lock = nextRun.lock()) {
            nextRun.load();
            nextRun.commit(new RunCommit(Map.of(), List.of(), List.of(new DeliveryMark(failedMonitor.id(),
                    "security-slack", abandoned)), Set.of(disabled.id(), failedMonitor.id()), List.of(), List.of(),
                    Optional.of(RUN_1)));
        }

        History history = store().history(HistoryQuery.ALL);

        if (!store.keepsHistory()) {
            assertThat(history).isEqualTo(History.EMPTY);
            return;
        }
        HistoryEntry first = history.events().get(0);
        assertThat(first.id()).isEqualTo(disabled.id());
        assertThat(first.deliveries()).containsEntry("security-slack", delivered).containsEntry("siem", siemDelivered)
                .containsEntry("pager", delivered)
                .containsEntry("email", disabled.deliveries().get("email"));
        assertThat(first.toldAt("security-slack")).contains(told);
        assertThat(history.events().get(1).deliveries()).containsExactly(Map.entry("security-slack", abandoned));
        assertThat(store().load().outbox()).extracting(OutboxEntry::id).doesNotContain(disabled.id(), failedMonitor.id());
    }

    @Test
    void aCommitDropsTheHistoryOlderThanItsBoundAndKeepsTheRest() throws Exception {
        StoredState state = richState();
        StateStore store = store();
        List<HistoryEntry> kept = new ArrayList<>();
        List<RunSummary> keptRuns = new ArrayList<>();
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            for (int day = 0; day < 5; day++) {
                Instant runAt = RUN_1.plus(java.time.Duration.ofDays(day));
                HistoryEntry event = new HistoryEntry("day-" + day, event("e-day-" + day, EventType.MFA_DISABLED,
                        "github-acme"), runAt, Map.of("siem", Delivery.NEW));
                RunSummary run = new RunSummary("github-acme", "github", runAt, RunSummary.Health.OK, Optional.empty(),
                        10 + day, 1, 2, 0, 0, 1);
                Optional<Instant> bound = Optional.of(runAt.minus(java.time.Duration.ofDays(2)));
                store.commit(new RunCommit(day == 0 ? state.monitors() : Map.of(), List.of(), List.of(), Set.of(),
                        List.of(event), List.of(run), bound));
                if (day >= 2) {
                    kept.add(event);
                    keptRuns.add(run);
                }
            }
        }

        History history = store().history(HistoryQuery.ALL);

        if (!store.keepsHistory()) {
            assertThat(history).isEqualTo(History.EMPTY);
            return;
        }
        assertThat(history.events()).as("days 0 and 1 are older than the bound of day 4")
                .containsExactlyElementsOf(kept);
        assertThat(history.runs()).containsExactlyElementsOf(keptRuns);
    }

    @Test
    void aHistoryQueryNarrowsBySinceMonitorAndAccount() throws Exception {
        StoredState state = richState();
        RunCommit first = historyCommitOf(state, RUN_1);
        Instant run2 = RUN_1.plus(java.time.Duration.ofDays(4)); // after every entry of richState (the last is 3 days on)
        HistoryEntry later = new HistoryEntry("run-2-alice", ChangeEvent.builder(EventType.MFA_ENABLED, "aws/prod.eu",
                "aws", run2).id("e-alice-2").account(new Account("arn:aws:iam::123456789012:user/alice@2020-01-02T03:04:05Z",
                "alice-renamed", "iam-user", MfaStatus.ENABLED)).previous(MfaStatus.DISABLED).current(MfaStatus.ENABLED)
                .build(), run2, Map.of("siem", Delivery.NEW));
        RunSummary laterRun = new RunSummary("aws/prod.eu", "aws", run2, RunSummary.Health.INCOMPLETE,
                Optional.of("incomplete: 210987654321 (AccessDenied)"), 2, 0, 0, 0, 0, 0);
        StateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(first);
            store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of(), List.of(later), List.of(laterRun),
                    Optional.empty()));
        }
        StateStore reader = store();
        if (!store.keepsHistory()) {
            assertThat(reader.history(HistoryQuery.ALL)).isEqualTo(History.EMPTY);
            return;
        }
        List<HistoryEntry> all = new ArrayList<>(first.history());
        all.add(later);
        List<RunSummary> allRuns = new ArrayList<>(first.runs());
        allRuns.add(laterRun);

        assertThat(reader.history(HistoryQuery.ALL.withSince(run2))).isEqualTo(new History(List.of(later), List.of(laterRun)));
        assertThat(reader.history(HistoryQuery.ALL.withMonitor("aws/prod.eu")))
                .isEqualTo(new History(all.stream().filter(e -> e.event().monitorId().equals("aws/prod.eu")).toList(),
                        allRuns.stream().filter(r -> r.monitorId().equals("aws/prod.eu")).toList()));
        String alice = "arn:aws:iam::123456789012:user/alice@2020-01-02T03:04:05Z";
        History ofAlice = reader.history(HistoryQuery.ALL.withAccounts(Set.of(alice)));
        assertThat(ofAlice.events()).extracting(HistoryEntry::id).containsExactly("0005-arrived", "run-2-alice");
        assertThat(ofAlice.runs()).as("an account filter does not narrow runs").isEqualTo(allRuns);
        assertThat(reader.history(HistoryQuery.ALL).accountIdsMatching("ALICE")).containsExactly(alice);
        assertThat(reader.history(HistoryQuery.ALL.withSince(run2.plusNanos(1)))).isEqualTo(History.EMPTY);
    }

    @Test
    void aRefusedCommitAddsNothingToTheHistory() throws Exception {
        StoredState state = richState();
        RunCommit first = historyCommitOf(state, RUN_1);
        OutboxEntry clash = entry(state.outbox().get(0).id(), event("e-other", EventType.MFA_DISABLED, "github-acme"),
                Map.of("security-slack", Delivery.NEW));
        HistoryEntry refused = HistoryEntry.of(clash);
        StateStore store = store();
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(first);
            assertThatThrownBy(() -> store.commit(new RunCommit(Map.of(), List.of(clash), List.of(), Set.of(),
                    List.of(new HistoryEntry("refused-" + refused.id(), refused.event(), refused.committedAt(), Map.of())),
                    List.of(new RunSummary("github-acme", "github", RUN_1.plusSeconds(3600), RunSummary.Health.OK,
                            Optional.empty(), 1, 0, 0, 0, 0, 0)), Optional.of(RUN_1.plusSeconds(1)))))
                    .isInstanceOf(Exception.class);
        }

        History history = store().history(HistoryQuery.ALL);

        if (!store.keepsHistory()) {
            assertThat(history).isEqualTo(History.EMPTY);
            return;
        }
        assertThat(history).as("neither added nor pruned").isEqualTo(new History(first.history(), first.runs()));
    }

    /** When {@link #historyCommitOf} says its run started. */
    public static final Instant RUN_1 = Instant.parse("2024-05-01T12:00:01Z");

    /**
     * The commit that stores {@code state} into an empty store with its history: one history entry per outbox entry
     * (same id, deliveries as committed), one event no notifier takes, and a summary of every monitor, as the engine
     * writes them.
     */
    public static RunCommit historyCommitOf(StoredState state, Instant runAt) {
        List<HistoryEntry> history = new ArrayList<>(state.outbox().stream().map(HistoryEntry::of).toList());
        Account alice = state.monitors().get("aws/prod.eu").lastGood().orElseThrow().accounts().get(1);
        history.add(new HistoryEntry("0005-arrived", ChangeEvent.builder(EventType.NEW_ACCOUNT_WITHOUT_MFA, "aws/prod.eu",
                "aws", runAt).id("e-unrouted").account(alice).current(MfaStatus.DISABLED).detail("routed nowhere").build(),
                runAt, Map.of()));
        List<RunSummary> runs = new ArrayList<>();
        state.monitors().forEach((id, monitor) -> runs.add(RunSummary.of(id, runAt,
                monitor.failureStreak() > 0 ? RunSummary.Health.FAILED : RunSummary.Health.OK, monitor.lastFailure(),
                monitor.lastGood())));
        return new RunCommit(state.monitors(), state.outbox(), List.of(), Set.of(), history, runs,
                Optional.of(runAt.minus(java.time.Duration.ofDays(400))));
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
