package dev.mfamonitor.spi.state;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Part of the history a store keeps ({@link StateStore#history}): committed events with their delivery outcomes, and
 * a summary of each monitor per run. Bounded by {@code policy.history}: what is older was dropped when a run committed.
 *
 * @param events the events, in the order they were committed (oldest first)
 * @param runs   the run summaries, oldest first; for one run, in the order the commit listed its monitors
 */
public record History(List<HistoryEntry> events, List<RunSummary> runs) {

    /** No history: a first run, or a store that keeps none. */
    public static final History EMPTY = new History(List.of(), List.of());

    public History {
        events = List.copyOf(events);
        runs = List.copyOf(runs);
    }

    /** The part of this history a query selects, for stores that filter in memory. */
    public History select(HistoryQuery query) {
        return new History(events.stream().filter(query::matches).toList(), runs.stream().filter(query::matches).toList());
    }

    /**
     * The ids of the accounts that have {@code nameOrId} as their id, or had it as their name in any event kept (names
     * compared ignoring case), in the order first seen. This is how a person finds "bob" after a rename.
     */
    public Set<String> accountIdsMatching(String nameOrId) {
        Set<String> ids = new LinkedHashSet<>();
        String wanted = nameOrId.toLowerCase(Locale.ROOT);
        for (HistoryEntry entry : events) {
            entry.event().account().ifPresent(a -> {
                if (a.id().equals(nameOrId) || a.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                    ids.add(a.id());
                }
            });
        }
        return ids;
    }
}
