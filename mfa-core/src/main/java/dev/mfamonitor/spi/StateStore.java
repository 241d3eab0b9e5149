package dev.mfamonitor.spi;

import java.io.IOException;

/**
 * Keeps what the engine must remember between runs: the last good snapshot of each monitor and the outbox.
 *
 * <p>Created by a {@link StateStoreProvider}, closed by the engine. In one run the engine calls {@link #lock()} first,
 * then {@link #load()}, then {@link #save} one or more times, and closes the lock last.
 */
public interface StateStore extends AutoCloseable {

    /**
     * Takes the store's exclusive lock for one run, exclusive between processes and between two stores of one
     * process alike. The lock must die with the process (an OS file lock, a lease), so
     * that a killed run never blocks the next one forever.
     *
     * @throws StateLockedException when another run holds it; the engine then exits without touching anything
     */
    Lock lock() throws StateLockedException, IOException;

    /**
     * Reads the state.
     *
     * @return {@link StoredState#EMPTY} when there is no state yet (first run)
     * @throws StateUnreadableException when state exists but cannot be read (empty, truncated, unparseable, written by
     *                                  a newer version); the stored bytes are left exactly as they were. Never
     *                                  returns an empty state in that case: a silent fresh start would re-baseline
     *                                  and hide every change.
     */
    StoredState load() throws StateUnreadableException, IOException;

    /**
     * Replaces the state, atomically: after a crash at any moment, {@link #load()} returns either the old or the new
     * state, whole.
     */
    void save(StoredState state) throws IOException;

    /** Where the state lives, for messages ({@code file /var/lib/mfa/state.json}); never a secret. */
    String describe();

    /** Releases resources. Called once; the default does nothing. Declares no checked exception: log or wrap what closing throws. */
    @Override
    default void close() {
    }

    /** A held lock; closing releases it. */
    interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }
}
