package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateUnreadableException;
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
import dev.mfamonitor.testkit.StateStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file store's history file (issue 18): its size over a year, the state of the release before, crashes, compaction. */
class FileStoreHistoryTest {
    /**
     * The bound this store promises for a year of daily runs over 10,000 accounts with 1% churn (100 changes a day,
     * each delivered to two notifiers): the history file stays under 4 MiB (measured: about 2.0 MB, 54 bytes a change).
     */
    static final long YEAR_BOUND = 4L << 20;

    private static final Instant DAY_0 = Instant.parse("2025-01-01T06:00:00Z");

    @TempDir
    Path directory;

    @Test
    void aYearOfDailyRunsOverTenThousandAccountsWithOnePercentChurnStaysUnderFourMebibytes() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            accounts.add(account(i, i % 10 == 0 ? MfaStatus.DISABLED : MfaStatus.ENABLED));
        }
        Set<String> pending = new HashSet<>();
        List<DeliveryMark> marks = List.of();
        int events = 0;
        try (FileStateStore store = new FileStateStore(file); StateStore.Lock lock = store.lock()) {
            store.load();
            for (int day = 0; day < 365; day++) {
                Instant runAt = DAY_0.plus(Duration.ofDays(day));
                List<OutboxEntry> entries = new ArrayList<>();
                for (int change = 0; change < 100; change++) {
                    int index = (day * 100 + change) * 7 % accounts.size();
                    Account before = accounts.get(index);
                    Account after = before.withMfa(before.mfa() == MfaStatus.ENABLED ? MfaStatus.DISABLED : MfaStatus.ENABLED);
                    accounts.set(index, after);
                    entries.add(new OutboxEntry(String.format("ob_%024x", (long) day * 1000 + change), change(after, before, runAt),
                            runAt, Map.of("security-slack", Delivery.NEW, "siem", Delivery.NEW)));
                }
                events += entries.size();
                // The snapshot of 10,000 accounts is the state file's (about 1 MB, rewritten by every commit), not
                // the history's: left out here, so that the year takes seconds, not a minute of rewriting it.
                Map<String, MonitorState> monitors = day == 0 ? Map.of("github-acme", MonitorState.NEW) : Map.of();
                RunSummary summary = RunSummary.of("github-acme", runAt, RunSummary.Health.OK, Optional.empty(),
                        Optional.of(Snapshot.of("github", runAt, accounts)));
                // Yesterday's deliveries ride on today's commit (as the engine's unrecorded marks do), which settles
                // them: the year costs two file writes a day instead of four.
                store.commit(new RunCommit(monitors, entries, marks, pending,
                        entries.stream().map(HistoryEntry::of).toList(), List.of(summary),
                        Optional.of(runAt.minus(Duration.ofDays(400)))));
                marks = new ArrayList<>();
                Instant told = runAt.plusSeconds(2);
                for (OutboxEntry entry : entries) {
                    for (String notifier : List.of("security-slack", "siem")) {
                        marks.add(new DeliveryMark(entry.id(), notifier,
                                new Delivery(Delivery.State.DELIVERED, 1, Optional.of(told), Optional.empty())));
                    }
                }
                pending = new HashSet<>(entries.stream().map(OutboxEntry::id).toList());
            }
        }

        long historyBytes = historyFiles().stream().mapToLong(FileStoreHistoryTest::size).sum();
        System.out.printf("history of 365 daily runs, 10,000 accounts, %d changes: %,d bytes (%.1f per change);"
                + " bound %,d%n", events, historyBytes, (double) historyBytes / events, YEAR_BOUND);
        assertThat(historyFiles()).hasSize(1);
        assertThat(historyBytes).isLessThan(YEAR_BOUND);

        History history = new FileStateStore(file).history(HistoryQuery.ALL);
        assertThat(history.events()).hasSize(events);
        assertThat(history.events().get(events - 1).deliveries().values()).as("the last day's are still pending")
                .containsOnly(Delivery.NEW);
        history = new History(history.events().subList(0, events - 100), history.runs());
        assertThat(history.runs()).hasSize(365);
        assertThat(history.runs().get(364).disabled() + history.runs().get(364).enabled()).isEqualTo(10_000);
        assertThat(history.events()).allSatisfy(e -> assertThat(e.toldAt("siem")).contains(e.committedAt().plusSeconds(2)));
    }

    @Test
    void aStateOfTheReleaseBeforeTheHistoryLoadsWhole_andItsFirstCommitStartsTheHistoryKeepingEverything() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        StoredState old = StateStoreContract.richState();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        StateFileFormat.write(old, "0123456789abcdef0123456789abcdef", written); // schema 2 without "history"
        Files.write(file, written.toByteArray());

        FileStateStore store = new FileStateStore(file);
        assertThat(store.load()).isEqualTo(old);
        assertThat(store.history(HistoryQuery.ALL)).isEqualTo(History.EMPTY);

        RunCommit next = dayCommit(1); // names no monitor: the old state stays as it was
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(next);
        }

        assertThat(new FileStateStore(file).load()).as("nothing stored is lost").isEqualTo(old);
        assertThat(new FileStateStore(file).history(HistoryQuery.ALL)).isEqualTo(new History(next.history(), next.runs()));
        assertThat(Files.readString(file)).startsWith("{\"schemaVersion\":2,").contains(",\"history\":{\"id\":\"");
    }

    @Test
    void bytesAfterTheCommittedChunksAreNotHistoryAndTheNextAppendCutsThemOff() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        RunCommit first = dayCommit(0);
        RunCommit second = dayCommit(1);
        FileStateStore store = new FileStateStore(file);
        store.commit(first);
        Path history = historyFiles().get(0);
        long committed = size(history);
        // A commit killed after its append and before its rename leaves bytes the state file does not name.
        Files.write(history, "a torn chunk of a commit that never happened".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);

        assertThat(new FileStateStore(file).history(HistoryQuery.ALL)).isEqualTo(new History(first.history(), first.runs()));
        store.commit(second);

        assertThat(historyFiles()).containsExactly(history);
        List<HistoryEntry> both = new ArrayList<>(first.history());
        both.addAll(second.history());
        assertThat(new FileStateStore(file).history(HistoryQuery.ALL).events()).isEqualTo(both);
        assertThat(size(history)).isGreaterThan(committed).isLessThan(2 * committed + 200);
    }

    @Test
    void whenAQuarterOfTheFileIsOlderThanTheBoundACommitWritesANewFileWithoutIt() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        for (int day = 0; day < 4; day++) {
            store.commit(dayCommit(day));
        }
        Path before = historyFiles().get(0);
        long fourDays = size(before);

        RunCommit fifth = dayCommit(4);
        store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of(), fifth.history(), fifth.runs(),
                Optional.of(DAY_0.plus(Duration.ofDays(2))))); // days 0 and 1 are older than the bound

        assertThat(historyFiles()).hasSize(1).doesNotContain(before);
        assertThat(size(historyFiles().get(0))).isLessThan(fourDays);
        History history = new FileStateStore(file).history(HistoryQuery.ALL);
        assertThat(history.runs()).extracting(RunSummary::runAt).containsExactly(DAY_0.plus(Duration.ofDays(2)),
                DAY_0.plus(Duration.ofDays(3)), DAY_0.plus(Duration.ofDays(4)));
        assertThat(history.events()).extracting(HistoryEntry::committedAt).allSatisfy(t ->
                assertThat(t).isAfterOrEqualTo(DAY_0.plus(Duration.ofDays(2))));

        // A longer policy.history later does not bring back what was dropped.
        store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of(), List.of(), List.of(), Optional.of(DAY_0)));
        assertThat(new FileStateStore(file).history(HistoryQuery.ALL).runs()).hasSize(3);
    }

    @Test
    void aMissingHistoryFileIsUnreadableHistoryButNeverStopsARun() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        store.commit(dayCommit(0));
        Path history = historyFiles().get(0);
        Files.delete(history);

        assertThatThrownBy(() -> new FileStateStore(file).history(HistoryQuery.ALL))
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("the history file " + history)
                .hasMessageContaining("is missing")
                .hasMessageContaining("runs go on");

        RunCommit next = dayCommit(1);
        store.commit(next);
        assertThat(new FileStateStore(file).history(HistoryQuery.ALL)).isEqualTo(new History(next.history(), next.runs()));
    }

    @Test
    void aDamagedChunkIsUnreadableHistoryNamingIt() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        store.commit(dayCommit(0));
        Path history = historyFiles().get(0);
        byte[] bytes = Files.readAllBytes(history);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(history, bytes);

        assertThatThrownBy(() -> new FileStateStore(file).history(HistoryQuery.ALL))
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("chunk 1 does not match the length and checksum the state file records for it");
        assertThat(new FileStateStore(file).load().firstRun()).as("the state itself is whole").isFalse();
    }

    /** One day's commit: two changes and a run summary, nothing in the outbox. */
    private static RunCommit dayCommit(int day) {
        Instant runAt = DAY_0.plus(Duration.ofDays(day));
        Account alice = account(1, MfaStatus.DISABLED);
        Account bob = account(2, MfaStatus.ENABLED);
        List<HistoryEntry> events = List.of(
                new HistoryEntry("day-" + day + "-a", change(alice, alice.withMfa(MfaStatus.ENABLED), runAt), runAt, Map.of()),
                new HistoryEntry("day-" + day + "-b", change(bob, bob.withMfa(MfaStatus.DISABLED), runAt), runAt,
                        Map.of("siem", new Delivery(Delivery.State.PENDING, 0, Optional.empty(), Optional.empty()))));
        RunSummary run = new RunSummary("github-acme", "github", runAt, RunSummary.Health.OK, Optional.empty(), 5, 1, 2,
                0, 0, 1);
        return new RunCommit(day == 0 ? Map.of("github-acme", MonitorState.NEW) : Map.of(), List.of(), List.of(),
                Set.of(), events, List.of(run), Optional.of(runAt.minus(Duration.ofDays(400))));
    }

    private static Account account(int i, MfaStatus mfa) {
        return new Account(String.valueOf(40_000_000 + i), "user-" + i, "member", mfa, "",
                Map.of("role", i % 50 == 0 ? "admin" : "member"));
    }

    private static ChangeEvent change(Account now, Account before, Instant at) {
        boolean off = now.mfa() == MfaStatus.DISABLED;
        EventType type = off ? EventType.MFA_DISABLED : EventType.MFA_ENABLED;
        return ChangeEvent.builder(type, "github-acme", "github", at)
                .id(ChangeEvent.idOf("github-acme", now.id(), type, at))
                .severity(off ? Severity.HIGH : Severity.INFO).account(now).previous(before.mfa()).current(now.mfa())
                .detail(off ? "2FA turned off" : "2FA turned on").build();
    }

    private List<Path> historyFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().startsWith("mfa-state.json.history-")).sorted().toList();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
