package dev.mfamonitor.spi.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which part of the history to read ({@link StateStore#history}). Every filter narrows; {@link #ALL} reads it all.
 * Build one from {@link #ALL} with the {@code with...} methods.
 *
 * @param since      only events committed and runs started at or after this time; empty for no lower bound
 * @param monitorId  only events and runs of this monitor; empty for every monitor
 * @param accountIds only events about one of these account ids ({@link dev.mfamonitor.spi.Account#id()}); empty for
 *                   every event, including those about no account. Does not narrow the runs.
 */
public record HistoryQuery(Optional<Instant> since, Optional<String> monitorId, Set<String> accountIds) {

    /** The whole history. */
    public static final HistoryQuery ALL = new HistoryQuery(Optional.empty(), Optional.empty(), Set.of());

    public HistoryQuery {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(monitorId, "monitorId");
        accountIds = Set.copyOf(accountIds);
    }

    /** The same query from {@code from} on. */
    public HistoryQuery withSince(Instant from) {
        return new HistoryQuery(Optional.of(from), monitorId, accountIds);
    }

    /** The same query for one monitor. */
    public HistoryQuery withMonitor(String id) {
        return new HistoryQuery(since, Optional.of(id), accountIds);
    }

    /** The same query for these accounts. */
    public HistoryQuery withAccounts(Set<String> ids) {
        return new HistoryQuery(since, monitorId, ids);
    }

    /** Whether an entry is in this query's part of the history. */
    public boolean matches(HistoryEntry entry) {
        return since.map(s -> !entry.committedAt().isBefore(s)).orElse(true)
                && monitorId.map(m -> m.equals(entry.event().monitorId())).orElse(true)
                && (accountIds.isEmpty()
                || entry.event().account().map(a -> accountIds.contains(a.id())).orElse(false));
    }

    /** Whether a run summary is in this query's part of the history. */
    public boolean matches(RunSummary run) {
        return since.map(s -> !run.runAt().isBefore(s)).orElse(true)
                && monitorId.map(m -> m.equals(run.monitorId())).orElse(true);
    }
}
