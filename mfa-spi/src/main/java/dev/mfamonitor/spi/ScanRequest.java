package dev.mfamonitor.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What the engine asks of a monitor for one snapshot.
 *
 * @param previous the last good snapshot of this monitor, if there is one; a monitor may use it to read less (only
 *                 the accounts without MFA, then confirm those that left that list) as long as the snapshot it
 *                 returns is still complete
 * @param fullScan whether the monitor must read everything afresh rather than build on {@code previous}
 *                 (first run, {@code check})
 * @param deadline when the engine stops waiting; a monitor should give up (and throw) before then rather than
 *                 wait for a rate limit that resets later
 * @param progress where to report how far the scan got
 */
public record ScanRequest(Optional<Snapshot> previous, boolean fullScan, Deadline deadline, ScanProgress progress) {
    public ScanRequest {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(progress, "progress");
    }

    /** A request whose progress goes nowhere. */
    public ScanRequest(Optional<Snapshot> previous, boolean fullScan, Deadline deadline) {
        this(previous, fullScan, deadline, ScanProgress.NONE);
    }
}
