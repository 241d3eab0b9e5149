package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.StateLockedException;
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A state store in memory with the operations' semantics (history included), so that a test can drive the run engine
 * without a disk, and faults it can switch on: {@link #failCommits} and {@link #failMarks} make the next commits or marks fail.
 */
public final class MemoryStateStore implements StateStore {
    private final Map<String, MonitorState> monitors = new TreeMap<>();
    private final Map<String, OutboxEntry> outbox = new LinkedHashMap<>();
    private final Map<String, HistoryEntry> history = new LinkedHashMap<>();
    private final List<RunSummary> runs = new ArrayList<>();
    private boolean locked;
    /** Commits (and marks) fail while these are above zero, counting down. */
    public final AtomicInteger failCommits = new AtomicInteger();
    public final AtomicInteger failMarks = new AtomicInteger();
    public final AtomicInteger commits = new AtomicInteger();
    public final AtomicInteger markCalls = new AtomicInteger();

    @Override
    public synchronized Lock lock() throws StateLockedException {
        if (locked) {
            throw new StateLockedException("memory store is locked");
        }
        locked = true;
        return () -> {
            synchronized (this) {
                locked = false;
            }
        };
    }

    @Override
    public synchronized StoredState load() {
        return new StoredState(monitors, List.copyOf(outbox.values()));
    }

    @Override
    public synchronized void commit(RunCommit commit) throws IOException {
        if (failCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("No space left on device");
        }
        commits.incrementAndGet();
        monitors.putAll(commit.monitors());
        commit.newEntries().forEach(e -> outbox.put(e.id(), e));
        applyMarks(commit.marks());
        commit.settled().forEach(outbox::remove);
        commit.keepHistoryFrom().ifPresent(from -> {
            history.values().removeIf(e -> e.committedAt().isBefore(from));
            runs.removeIf(r -> r.runAt().isBefore(from));
        });
        commit.history().forEach(e -> history.put(e.id(), e));
        runs.addAll(commit.runs());
    }

    @Override
    public boolean keepsHistory() {
        return true;
    }

    @Override
    public synchronized History history(HistoryQuery query) {
        return new History(List.copyOf(history.values()), runs).select(query);
    }

    @Override
    public synchronized void mark(List<DeliveryMark> marks) throws IOException {
        markCalls.incrementAndGet();
        if (failMarks.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("Input/output error");
        }
        applyMarks(marks);
    }

    private void applyMarks(List<DeliveryMark> marks) {
        for (DeliveryMark mark : marks) {
            OutboxEntry entry = outbox.get(mark.entryId());
            if (entry != null && entry.deliveries().containsKey(mark.notifierId())) {
                outbox.put(entry.id(), entry.with(mark.notifierId(), mark.delivery()));
                history.computeIfPresent(entry.id(), (id, h) -> h.with(mark.notifierId(), mark.delivery()));
            }
        }
    }

    public synchronized List<OutboxEntry> entries() {
        return new ArrayList<>(outbox.values());
    }

    @Override
    public String describe() {
        return "memory store";
    }
}
