package dev.mfamonitor.spi;

/**
 * Reads the MFA status of every account of one source (one GitHub organisation, one set of AWS accounts).
 *
 * <p>Created by a {@link MonitorProvider} and closed by the engine when the run is over. The engine calls
 * {@link #snapshot} from its own thread, at most once at a time per instance, and interrupts that thread at the
 * deadline.
 */
public interface Monitor extends AutoCloseable {

    /**
     * Reads the source.
     *
     * @return a complete snapshot, or one whose {@link Snapshot#gaps()} name what could not be seen
     * @throws Exception when the source could not be read; the message is shown to people, so it says what
     *                   happened and what to do ("GitHub answered 422 'Only owners can use this filter' for org acme:
     *                   the token's user must be an owner of acme"). The engine redacts every configured secret and
     *                   strips control characters before it shows it, keeps the last good snapshot and reports the
     *                   failure; it never diffs a failed read.
     */
    Snapshot snapshot(ScanRequest request) throws Exception;

    /** Releases connections and threads. Called once; the default does nothing. Declares no checked exception: log or wrap what closing throws. */
    @Override
    default void close() {
    }
}
