package dev.mfamonitor.spi;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything one monitor instance saw at one moment.
 *
 * <p>A snapshot is whole unless it says otherwise: a monitor that could not see part of its source either fails
 * (throws from {@link Monitor#snapshot}) or lists that part in {@link #gaps()}. It never returns a partial list as if
 * it were complete, because the engine would read the missing accounts as removed.
 *
 * @param service      the service watched, such as {@code github} or {@code aws}; shown in alerts
 * @param observedAt   when the source was read (for a cached report such as IAM's, the report's time)
 * @param accounts     every account seen; ids are unique
 * @param requirements source-level MFA requirements by name, such as {@code "organization requires 2FA"}:
 *                     {@link MfaStatus#ENABLED}, {@link MfaStatus#DISABLED} or {@link MfaStatus#UNKNOWN}
 * @param facts        other source-level facts for people, such as the report's generation time; a fact named like a
 *                     requirement says how that requirement stands ("7 of 20 active users are not enforced") and is
 *                     added to the detail of its requirement events
 * @param gaps         parts of the source that could not be seen; empty for a complete snapshot
 * @param notices      events of the plugin's own types it wants reported (see {@link Notice}); usually empty
 */
public record Snapshot(String service, Instant observedAt, List<Account> accounts, Map<String, MfaStatus> requirements,
                       Map<String, String> facts, List<Gap> gaps, List<Notice> notices) {

    public Snapshot {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(observedAt, "observedAt");
        accounts = List.copyOf(accounts);
        requirements = Map.copyOf(new TreeMap<>(requirements));
        facts = Map.copyOf(new TreeMap<>(facts));
        gaps = List.copyOf(gaps);
        notices = List.copyOf(notices);
        Set<String> ids = new HashSet<>();
        for (Account account : accounts) {
            if (!ids.add(account.id())) {
                throw new IllegalArgumentException("snapshot of " + service + " lists account id '" + account.id() + "' twice");
            }
        }
    }

    /** A snapshot without notices. */
    public Snapshot(String service, Instant observedAt, List<Account> accounts, Map<String, MfaStatus> requirements,
                    Map<String, String> facts, List<Gap> gaps) {
        this(service, observedAt, accounts, requirements, facts, gaps, List.of());
    }

    /** The same snapshot with other accounts (the engine's carried-over and accepted views). */
    public Snapshot withAccounts(List<Account> replacement) {
        return new Snapshot(service, observedAt, replacement, requirements, facts, gaps, notices);
    }

    /** The same snapshot with other gaps. */
    public Snapshot withGaps(List<Gap> replacement) {
        return new Snapshot(service, observedAt, accounts, requirements, facts, replacement, notices);
    }

    /** A complete snapshot with accounts only. */
    public static Snapshot of(String service, Instant observedAt, List<Account> accounts) {
        return new Snapshot(service, observedAt, accounts, Map.of(), Map.of(), List.of());
    }

    /** Whether the monitor saw all of its source. */
    public boolean complete() {
        return gaps.isEmpty();
    }
}
