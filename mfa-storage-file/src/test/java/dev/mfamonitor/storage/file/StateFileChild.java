package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Delivery;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.MonitorState;
import dev.mfamonitor.spi.OutboxEntry;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StoredState;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs in a child JVM so that tests can kill a real process: {@code write PATH} saves ever-changing, sizable states
 * in a loop (printing "saved N" after each save, and "started" after the first); {@code lock PATH} takes the lock, prints "locked" and waits
 * to be killed; {@code try-lock PATH} prints "locked" or "busy" and exits.
 */
public final class StateFileChild {

    private StateFileChild() {
    }

    public static void main(String[] args) throws Exception {
        FileStateStore store = new FileStateStore(Path.of(args[1]));
        switch (args[0]) {
            case "write" -> {
                // The first save loads and compiles the code; the test's random wait starts after it.
                store.save(bulkyState(1));
                System.out.println("saved 1");
                System.out.println("started");
                System.out.flush();
                for (int generation = 2; ; generation++) {
                    store.save(bulkyState(generation));
                    System.out.println("saved " + generation);
                    System.out.flush();
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

    /**
     * A state of about half a megabyte whose every account carries the generation, so that a reader can tell a
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
                ChangeEvent event = new ChangeEvent(ChangeEvent.idOf("github-acme", account.id(), EventType.MFA_DISABLED, observed),
                        EventType.MFA_DISABLED, Severity.HIGH, "github-acme", "github", Optional.of(account),
                        Optional.of(MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED), observed, "generation " + generation);
                outbox.add(new OutboxEntry(event, observed, Map.of("slack", Delivery.NEW)));
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
        return Integer.parseInt(snapshot.facts().get("generation"));
    }
}
