package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StoredState;

/** A state store in memory, so that the run engine can be driven here without the file store module. */
final class MemoryStateStore implements StateStore {
    private StoredState state = StoredState.EMPTY;
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
        return state;
    }

    @Override
    public synchronized void save(StoredState newState) {
        state = newState;
    }

    @Override
    public String describe() {
        return "memory";
    }
}
