package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
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

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs in a child JVM so that tests can kill a real process: {@code write PATH} commits ever-changing, sizable states
 * in a loop and marks every entry of each after its commit (printing "saved N" after each commit and "marked N" after
 * its marks, and "started" after the first round); {@code lock PATH} takes the lock, prints "locked" and waits to be
 * killed; {@code try-lock PATH} prints "locked" or "busy" and exits.
 */
public final class StateFileChild {

    private StateFileChild() {
    }

    public static void main(String[] args) throws Exception {
        FileStateStore store = new FileStateStore(Path.of(args[1]));
        switch (args[0]) {
            case "write" -> {
                try (StateStore.Lock lock = store.lock()) {
                    // The first round loads and compiles the code; the test's random wait starts after it.
                    round(store, 1);
                    System.out.println("started");
                    System.out.flush();
                    for (int generation = 2; ; generation++) {
                        round(store, generation);
                    }
                }
            }
            case "lock" -> {
                StateStore.Lock lock = store.lock();
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(120_000);
                lock.close();
            }
            case "try-lock" -> {
                try {
                    store.lock().close();
                    System.out.println("locked");
                } catch (StateLockedException e) {
                    System.out.println("busy");
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void round(FileStateStore store, int generation) throws Exception {
        StoredState before = store.load();
        store.commit(commitReplacing(before, bulkyState(generation)));
        System.out.println("saved " + generation);
        System.out.flush();
        store.mark(marksFor(bulkyState(generation)));
        System.out.println("marked " + generation);
        System.out.flush();
    }

    /** The commit that turns {@code before} into {@code after}: every old entry settled, every new one added. */
    static RunCommit commitReplacing(StoredState before, StoredState after) {
        Set<String> settled = new HashSet<>();
        before.outbox().forEach(entry -> settled.add(entry.id()));
        return new RunCommit(after.monitors(), after.outbox(), List.of(), settled);
    }

    /** Marks every entry of the state delivered to slack, in one call. */
    static List<DeliveryMark> marksFor(StoredState state) {
        List<DeliveryMark> marks = new ArrayList<>();
        for (OutboxEntry entry : state.outbox()) {
            marks.add(new DeliveryMark(entry.id(), "slack", delivered(state)));
        }
        return marks;
    }

    static Delivery delivered(StoredState state) {
        return new Delivery(Delivery.State.DELIVERED, 1, Optional.of(Instant.parse("2024-06-01T00:00:00Z")
                .plusSeconds(generationOf(state))), Optional.empty());
    }

    /** A state after {@link #marksFor} of it. */
    static StoredState marked(StoredState state) {
        List<OutboxEntry> outbox = new ArrayList<>();
        for (OutboxEntry entry : state.outbox()) {
            outbox.add(entry.with("slack", delivered(state)));
        }
        return new StoredState(state.monitors(), outbox);
    }

    /**
     * A state of about a quarter of a megabyte whose every account carries the generation, so that a reader can tell a
     * whole state from a mix of two: 2,000 to 2,499 accounts, one outbox entry per 100 accounts.
     */
    static StoredState bulkyState(int generation) {
        return stateWithAccounts(generation, 2000 + Math.floorMod(generation * 7919, 500));
    }

    /** A state like {@link #bulkyState} with {@code count} accounts. */
    static StoredState stateWithAccounts(int generation, int count) {
        Instant observed = Instant.parse("2024-05-01T00:00:00Z").plusSeconds(generation);
        List<Account> accounts = new ArrayList<>();
        List<OutboxEntry> outbox = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Account account = new Account(String.valueOf(100_000 + i), "user-" + i + "-gen-" + generation + " <!channel>",
                    i % 10 == 0 ? "outside-collaborator" : "member", MfaStatus.values()[(i + generation) % 4], "",
                    Map.of("generation", String.valueOf(generation), "role", i % 50 == 0 ? "admin" : "member"));
            accounts.add(account);
            if (i % 100 == 0) {
                ChangeEvent event = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github", observed)
                        .severity(Severity.HIGH).account(account).previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED)
                        .detail("generation " + generation).build();
                outbox.add(new OutboxEntry("g" + generation + "-" + i, event, observed,
                        Map.of("slack", Delivery.NEW, "webhook", Delivery.NEW)));
            }
        }
        Snapshot snapshot = new Snapshot("github", observed, accounts, Map.of("organization requires 2FA", MfaStatus.DISABLED),
                Map.of("generation", String.valueOf(generation), "accounts", String.valueOf(count)), List.of());
        MonitorState monitor = new MonitorState(Optional.of(snapshot), 0, Optional.empty(), Map.of());
        return new StoredState(Map.of("github-acme", monitor), outbox);
    }

    /** The generation a state of {@link #bulkyState} was made for. */
    static int generationOf(StoredState state) {
        Snapshot snapshot = state.monitors().get("github-acme").lastGood().orElseThrow();
        return Integer.parseInt(snapshot.facts().getOrDefault("generation", "0"));
    }
}
