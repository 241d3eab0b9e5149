package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.MonitorState;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** States for tests that diff a second snapshot against a first. */
public final class States {
    private States() {
    }

    /**
     * The state the engine keeps after a healthy run that saw {@code snapshot}: every account without MFA has been
     * alerted on (at the snapshot's time).
     */
    public static MonitorState after(Snapshot snapshot) {
        Map<String, Instant> alerted = new TreeMap<>();
        for (Account account : snapshot.accounts()) {
            if (account.mfa() == MfaStatus.DISABLED) {
                alerted.put(account.id(), snapshot.observedAt());
            }
        }
        return new MonitorState(Optional.of(snapshot), 0, Optional.empty(), alerted);
    }
}
