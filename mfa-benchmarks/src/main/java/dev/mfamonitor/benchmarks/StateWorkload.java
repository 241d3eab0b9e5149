package dev.mfamonitor.benchmarks;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StoredState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of one run at scale: one monitor of N accounts shaped like GitHub members (numeric id, login, a role fact;
 * those of {@link DiffWorkload}), 5% without MFA and alerted on, and an outbox of 1% of N events (the run in which 1%
 * changed), each for the same notifiers. Run {@code r} has its own snapshot time and its own events, so that every run
 * writes a state that differs from the last.
 */
public final class StateWorkload {
    public static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    public static final List<String> NOTIFIERS = List.of("slack", "webhook", "pagerduty");

    private final List<Account> accounts;
    private final Map<String, Instant> alertedAt;

    public StateWorkload(int count) {
        accounts = new ArrayList<>(count);
        alertedAt = new HashMap<>();
        for (int i = 0; i < count; i++) {
            MfaStatus mfa = i % 20 == 7 ? MfaStatus.DISABLED : MfaStatus.ENABLED;
            Account account = new Account(Integer.toString(1_000_000 + i), "user" + i, "member", mfa, "",
                    Map.of("role", i % 1000 == 0 ? "admin" : "member"));
            accounts.add(account);
            if (mfa == MfaStatus.DISABLED) {
                alertedAt.put(account.id(), START);
            }
        }
    }

    public int accounts() {
        return accounts.size();
    }

    public Instant timeOf(int run) {
        return START.plus(Duration.ofHours(run));
    }

    /** The monitor's state after run {@code run}. */
    public MonitorState monitor(int run) {
        return new MonitorState(Optional.of(Snapshot.of("github", timeOf(run), accounts)), 0, Optional.empty(), alertedAt);
    }

    /** The entries run {@code run} raises: one per 100 accounts, each pending for every notifier. */
    public List<OutboxEntry> entries(int run) {
        Instant at = timeOf(run);
        List<OutboxEntry> entries = new ArrayList<>();
        Map<String, Delivery> pending = new HashMap<>();
        NOTIFIERS.forEach(n -> pending.put(n, Delivery.NEW));
        for (int i = 50; i < accounts.size(); i += 100) {
            Account account = accounts.get(i);
            ChangeEvent event = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github", at)
                    .account(account.withMfa(MfaStatus.DISABLED)).previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED)
                    .build();
            entries.add(new OutboxEntry("r" + run + "-" + account.id(), event, at, pending));
        }
        return entries;
    }

    /** Run {@code run}'s commit after a state holding {@code before}'s entries (all delivered by now: settled). */
    public RunCommit commit(int run, StoredState before) {
        Set<String> settled = new HashSet<>();
        before.outbox().forEach(e -> settled.add(e.id()));
        return new RunCommit(Map.of("github-acme", monitor(run)), entries(run), List.of(), settled);
    }

    /** The whole state after run {@code run}'s commit. */
    public StoredState state(int run) {
        return new StoredState(Map.of("github-acme", monitor(run)), entries(run));
    }

    /** One notifier's marks for run {@code run}: every entry delivered. */
    public List<DeliveryMark> marks(int run, String notifier) {
        Delivery delivered = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(timeOf(run).plusSeconds(2)), Optional.empty());
        List<DeliveryMark> marks = new ArrayList<>();
        for (OutboxEntry entry : entries(run)) {
            marks.add(new DeliveryMark(entry.id(), notifier, delivered));
        }
        return marks;
    }
}
