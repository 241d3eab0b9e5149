package dev.mfamonitor.spi.state;

import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateUnreadableException;

import java.io.IOException;
import java.util.List;

/**
 * Keeps what the engine must remember between runs: the last good snapshot of each monitor and the outbox, as
 * operations a database can do in a transaction; and, if it {@linkplain #keepsHistory() keeps history}, every
 * committed event with its delivery outcomes and a summary of each monitor per run.
 *
 * <p>Created by a {@link StateStoreProvider}, closed by the engine. In one run the engine calls {@link #lock()} first,
 * then {@link #load()}, then {@link #commit} once, and {@link #mark} as deliveries end (before and after the commit),
 * and closes the lock last. Calls come from one thread at a time.
 */
public interface StateStore extends AutoCloseable {

    /**
     * Takes the store's exclusive lock for one run, exclusive between processes and between two stores of one
     * process alike. The lock must die with the process (an OS file lock, a database session), so that a killed run
     * never blocks the next one forever.
     *
     * @throws StateLockedException when another run holds it; the engine then exits without touching anything
     */
    Lock lock() throws StateLockedException, IOException;

    /**
     * Reads the state.
     *
     * @return {@link StoredState#EMPTY} when there is no state yet (first run); {@link StoredState#firstRun()} says so
     * @throws StateUnreadableException when state exists but cannot be read (empty, truncated, unparseable, written by
     *                                  a newer version, structurally wrong); the stored bytes are left exactly as they
     *                                  were. Never returns an empty state in that case: a silent fresh start would
     *                                  re-baseline and hide every change.
     */
    StoredState load() throws StateUnreadableException, IOException;

    /**
     * Commits one run, atomically: after a crash at any moment, {@link #load()} returns the state either without or
     * with the whole commit. A commit that returns normally is durable.
     *
     * @throws IOException when nothing of the commit was stored; the engine then delivers nothing of it
     */
    void commit(RunCommit commit) throws IOException;

    /**
     * Records how deliveries went: small updates of existing outbox entries, never a rewrite of the snapshots. Marks
     * of one call are stored together or not at all; a mark for an entry the store does not hold is ignored. A store
     * that keeps history updates the history entry of the same id too; once the outbox dropped a settled entry, its
     * history entry keeps the deliveries it had then.
     */
    void mark(List<DeliveryMark> marks) throws IOException;

    /**
     * Whether this store keeps history: stores {@link RunCommit#history()} and {@link RunCommit#runs()}, prunes by
     * {@link RunCommit#keepHistoryFrom()}, applies marks to it and answers {@link #history}. The default, for stores
     * written before the history existed, is {@code false}.
     */
    default boolean keepsHistory() {
        return false;
    }

    /**
     * Reads part of the history: the events committed (with marks applied, those of the journal or the like included)
     * and the run summaries, as of the last commit and mark, without the entries the last commit pruned. May be called
     * without the lock (a report while a run is under way sees the state before or after that run's commit); never
     * changes anything.
     *
     * <p>The default, for stores that keep no history, returns {@link History#EMPTY}.
     *
     * @throws StateUnreadableException when the history exists but cannot be read; nothing is changed
     */
    default History history(HistoryQuery query) throws StateUnreadableException, IOException {
        return History.EMPTY;
    }

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
