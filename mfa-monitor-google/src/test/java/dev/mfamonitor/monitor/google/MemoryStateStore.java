package dev.mfamonitor.monitor.google;

import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A state store in memory, so that the real run engine can be driven here without a store module. */
final class MemoryStateStore implements StateStore {
    private final Map<String, MonitorState> monitors = new TreeMap<>();
    private final Map<String, OutboxEntry> outbox = new LinkedHashMap<>();
    private boolean locked;

    @Override
    public synchronized Lock lock() throws StateLockedException {
        if (locked) {
            throw new StateLockedException("memory store is locked");
        }
        locked = true;
        return () -> {
            synchronized (MemoryStateStore.this) {
                locked = false;
            }
        };
    }

    @Override
    public synchronized StoredState load() {
        return new StoredState(monitors, new ArrayList<>(outbox.values()));
    }

    @Override
    public synchronized void commit(RunCommit commit) {
        monitors.putAll(commit.monitors());
        commit.newEntries().forEach(entry -> outbox.put(entry.id(), entry));
        mark(commit.marks());
        commit.settled().forEach(outbox::remove);
    }

    @Override
    public synchronized void mark(List<DeliveryMark> marks) {
        for (DeliveryMark mark : marks) {
            OutboxEntry entry = outbox.get(mark.entryId());
            if (entry != null) {
                outbox.put(entry.id(), entry.with(mark.notifierId(), mark.delivery()));
            }
        }
    }

    @Override
    public String describe() {
        return "memory";
    }
}
