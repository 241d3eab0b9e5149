package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.support.NotificationText;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a monitor's new snapshot and what the engine remembers of it into events and the snapshot to keep.
 * Pure: no I/O, no clock; the caller passes {@code now}.
 */
public final class DiffEngine {
    private static final int NAMES_IN_DETAIL = 20;

    private final Policy policy;
    /** What the ids of the diff under way hash besides the change itself; see {@link #event}. One diff at a time. */
    private Object idBasis = "baseline";

    public DiffEngine(Policy policy) {
        this.policy = policy;
    }

    /**
     * The outcome of one diff.
     *
     * @param events    the events to commit, in a stable order
     * @param accepted  the snapshot to keep as the monitor's last good one
     * @param alertedAt per account id, when it was last alerted on as being without MFA
     * @param withheld  how many good-news changes the guard held back
     */
    public record Result(List<ChangeEvent> events, Snapshot accepted, Map<String, Instant> alertedAt, int withheld) {
    }

    /**
     * Diffs one monitor's new snapshot against its last good one, in named phases: compare the accounts both saw,
     * keep what unseen parts of the source held, report removals, then source-level changes (requirements, gaps, the
     * plugin's notices), then the good-news guard, then exemptions and reminders.
     *
     * @param acceptGoodNews when true the guard lets every good-news change through (a person confirmed them)
     */
    public Result diff(String monitorId, MonitorState state, Snapshot current, Instant now, boolean acceptGoodNews) {
        if (state.lastGood().isEmpty()) {
            idBasis = "baseline";
            return baseline(monitorId, current, now);
        }
        Snapshot previous = state.lastGood().get();
        idBasis = previous.observedAt();
        Diff diff = new Diff(monitorId, previous, current);
        diff.compareAccounts();
        diff.keepUnseenParts();
        diff.reportRemovals();
        requirementEvents(monitorId, previous, current, diff.other);
        gapEvents(monitorId, previous, current, diff.other);
        noticeEvents(monitorId, previous.notices(), current, diff.other);
        int withheld = acceptGoodNews ? 0 : diff.guardGoodNews();
        Snapshot accepted = diff.accepted(keptRequirements(previous, current), withheld);

        List<ChangeEvent> events = new ArrayList<>(diff.bad);
        events.addAll(diff.other);
        events.addAll(diff.good);
        Map<String, Instant> alertedAt = new HashMap<>(state.alertedAt());
        for (ChangeEvent event : diff.bad) {
            alertedAt.put(event.account().orElseThrow().id(), now);
        }
        List<ChangeEvent> finalEvents = applyExemptions(monitorId, events, accepted, previous.observedAt(), now, alertedAt);
        finalEvents.addAll(reminders(monitorId, accepted, now, alertedAt));
        Set<String> without = new HashSet<>();
        for (Account account : accepted.accounts()) {
            if (account.mfa() == MfaStatus.DISABLED) {
                without.add(account.id());
            }
        }
        alertedAt.keySet().retainAll(without);
        return new Result(List.copyOf(finalEvents), accepted, Map.copyOf(alertedAt), withheld);
    }

    /**
     * A requirement the monitor could not read keeps its last known status, so that one blind run between "required"
     * and "not required" does not swallow the switch-off.
     */
    private static Map<String, MfaStatus> keptRequirements(Snapshot previous, Snapshot current) {
        Map<String, MfaStatus> requirements = new TreeMap<>(current.requirements());
        previous.requirements().forEach((name, status) -> {
            if (requirements.getOrDefault(name, MfaStatus.UNKNOWN) == MfaStatus.UNKNOWN) {
                requirements.put(name, status);
            }
        });
        return requirements;
    }

    /** The account-level work of one diff, phase by phase, over flat arrays (see {@link AccountIndex}). */
    private final class Diff {
        private final String monitorId;
        private final Snapshot previous;
        private final Snapshot current;
        private final List<Account> was;
        private final AccountIndex before;
        private final boolean[] inAfter;
        /** The accounts to keep, in order: the new snapshot's, then those of unseen parts, then withheld removals. */
        private final List<Account> after;
        final List<ChangeEvent> bad = new ArrayList<>();
        final List<ChangeEvent> good = new ArrayList<>();
        final List<ChangeEvent> other = new ArrayList<>();
        /** Per good-news event, where its account sits in {@code after} (-1 for a removed account), to undo it if withheld. */
        private final IntList goodAt = new IntList();
        private boolean keptLastKnown;
        private boolean keptUnseen;

        Diff(String monitorId, Snapshot previous, Snapshot current) {
            this.monitorId = monitorId;
            this.previous = previous;
            this.current = current;
            this.was = previous.accounts();
            // A million accounts is a real GitHub org or AWS estate: index by position in flat arrays rather than
            // with maps of entry objects, so that a diff allocates a few arrays instead of millions of small objects.
            this.before = new AccountIndex(was);
            this.inAfter = new boolean[was.size()];
            this.after = new ArrayList<>(current.accounts().size());
        }

        /** Phase 1: every account of the new snapshot against what it was. */
        void compareAccounts() {
            for (Account now1 : current.accounts()) {
                int at = before.indexOf(now1.id());
                after.add(now1);
                if (at < 0) {
                    if (now1.mfa() == MfaStatus.DISABLED) {
                        bad.add(accountEvent(monitorId, current, EventType.NEW_ACCOUNT_WITHOUT_MFA, now1, Optional.empty(), ""));
                    } else if (weak(now1)) {
                        bad.add(accountEvent(monitorId, current, EventType.WEAK_MFA, now1, Optional.empty(), ""));
                    }
                    continue;
                }
                inAfter[at] = true;
                MfaStatus from = was.get(at).mfa();
                MfaStatus to = now1.mfa();
                if (to == MfaStatus.UNKNOWN && from != MfaStatus.UNKNOWN) {
                    // A blind read keeps the last known status: otherwise disabled -> unknown -> enabled would slip 50
                    // "MFA enabled" past the guard in two quiet steps, and drop the reminders on the way.
                    after.set(after.size() - 1, now1.withMfa(from));
                    keptLastKnown = true;
                    continue;
                }
                if (to == MfaStatus.ENABLED && weak(now1) && !weak(was.get(at))) {
                    bad.add(accountEvent(monitorId, current, EventType.WEAK_MFA, now1, Optional.of(from), ""));
                }
                if (to == MfaStatus.DISABLED && from != MfaStatus.DISABLED) {
                    // From UNKNOWN too: the account is now seen without MFA and nobody has been told yet.
                    bad.add(accountEvent(monitorId, current, EventType.MFA_DISABLED, now1, Optional.of(from), ""));
                } else if (from == MfaStatus.DISABLED && to == MfaStatus.ENABLED) {
                    good.add(accountEvent(monitorId, current, EventType.MFA_ENABLED, now1, Optional.of(from), ""));
                    goodAt.add(after.size() - 1);
                } else if (from == MfaStatus.DISABLED && to == MfaStatus.NOT_APPLICABLE) {
                    good.add(accountEvent(monitorId, current, EventType.MFA_NOT_REQUIRED, now1, Optional.of(from), ""));
                    goodAt.add(after.size() - 1);
                }
                // Everything else, UNKNOWN in either direction included, is no news: unknown is never enabled or disabled.
            }
        }

        /** Phase 2: an account missing from a part of the source the monitor could not see is not gone: keep it. */
        void keepUnseenParts() {
            if (current.gaps().isEmpty()) {
                return;
            }
            for (int i = 0; i < was.size(); i++) {
                Account old = was.get(i);
                if (!inAfter[i] && current.gaps().stream().anyMatch(g -> g.covers(old.scope()))) {
                    after.add(old);
                    inAfter[i] = true;
                    keptUnseen = true;
                }
            }
        }

        /** Phase 3: what is neither seen nor unseeable has left. */
        void reportRemovals() {
            for (int i = 0; i < was.size(); i++) {
                if (!inAfter[i]) {
                    Account gone = was.get(i);
                    good.add(event(monitorId, current, EventType.ACCOUNT_REMOVED, gone.id(), Optional.of(gone),
                            Optional.of(gone.mfa()), Optional.empty(), ""));
                    goodAt.add(-1);
                }
            }
        }

        /**
         * Phase 4, the guard against false all-clears: too much good news at once is withheld, the old status of
         * those accounts kept, and one CHANGES_WITHHELD raised instead.
         *
         * @return how many changes were withheld
         */
        int guardGoodNews() {
            double limit = policy.guardFraction() * previous.accounts().size();
            if (good.size() <= policy.guardMinChanges() || good.size() <= limit) {
                return 0;
            }
            int withheld = good.size();
            for (int i = 0; i < good.size(); i++) {
                Account account = good.get(i).account().orElseThrow();
                Account old = was.get(before.indexOf(account.id()));
                if (goodAt.get(i) < 0) {
                    after.add(old);
                } else {
                    after.set(goodAt.get(i), old);
                }
            }
            Map<EventType, Long> counts = good.stream()
                    .collect(Collectors.groupingBy(ChangeEvent::type, java.util.TreeMap::new, Collectors.counting()));
            other.add(event(monitorId, current, EventType.CHANGES_WITHHELD, "withheld", Optional.empty(), Optional.empty(),
                    Optional.empty(), withheld + " good-news changes withheld (" + describeCounts(counts) + ") of "
                            + previous.accounts().size() + " accounts: so much at once looks like a monitor that saw too "
                            + "little, so the old status of these accounts is kept. If the changes are real, run once with "
                            + "--accept-changes."));
            good.clear();
            return withheld;
        }

        /** The snapshot to keep. Most runs keep exactly what the monitor saw: reuse it rather than copy a million ids. */
        Snapshot accepted(Map<String, MfaStatus> requirements, int withheld) {
            return withheld == 0 && !keptUnseen && !keptLastKnown && requirements.equals(current.requirements())
                    ? current
                    : new Snapshot(current.service(), current.observedAt(), after, requirements, current.facts(),
                    current.gaps(), current.notices());
        }
    }

    private Result baseline(String monitorId, Snapshot current, Instant now) {
        Map<MfaStatus, Long> counts = current.accounts().stream()
                .collect(Collectors.groupingBy(Account::mfa, () -> new EnumMap<>(MfaStatus.class), Collectors.counting()));
        List<String> without = current.accounts().stream()
                .filter(a -> a.mfa() == MfaStatus.DISABLED && !exempt(monitorId, a, now))
                .map(Account::name).sorted(NotificationText.NATURAL_ORDER).toList();
        List<String> excepted = current.accounts().stream()
                .filter(a -> a.mfa() == MfaStatus.DISABLED && exempt(monitorId, a, now))
                .map(Account::name).sorted(NotificationText.NATURAL_ORDER).toList();
        List<String> weak = current.accounts().stream()
                .filter(a -> a.mfa() == MfaStatus.ENABLED && weak(a))
                .map(Account::name).sorted(NotificationText.NATURAL_ORDER).toList();
        StringBuilder detail = new StringBuilder();
        detail.append(current.accounts().size()).append(" accounts: ")
                .append(counts.getOrDefault(MfaStatus.ENABLED, 0L)).append(" with MFA");
        if (!weak.isEmpty()) {
            detail.append(" (").append(weak.size()).append(" weak: ").append(names(weak)).append(')');
        }
        detail.append(", ").append(counts.getOrDefault(MfaStatus.DISABLED, 0L)).append(" without");
        if (!without.isEmpty() || !excepted.isEmpty()) {
            detail.append(" (").append(names(without));
            if (!excepted.isEmpty()) {
                detail.append(without.isEmpty() ? "" : "; ").append("excepted: ").append(names(excepted));
            }
            detail.append(')');
        }
        detail.append(", ").append(counts.getOrDefault(MfaStatus.NOT_APPLICABLE, 0L)).append(" not applicable, ")
                .append(counts.getOrDefault(MfaStatus.UNKNOWN, 0L)).append(" unknown");
        current.requirements().forEach((name, status) -> detail.append("; ").append(name).append(": ").append(status.configName()));
        for (Gap gap : current.gaps()) {
            detail.append("; not seen: ").append(gap.scope()).append(" (").append(gap.reason()).append(')');
        }
        List<ChangeEvent> events = new ArrayList<>();
        events.add(event(monitorId, current, EventType.BASELINE, "baseline", Optional.empty(), Optional.empty(),
                Optional.empty(), detail.toString()));
        Map<String, Instant> alertedAt = new HashMap<>();
        for (Account account : current.accounts()) {
            if (account.mfa() == MfaStatus.DISABLED && !exempt(monitorId, account, now)) {
                alertedAt.put(account.id(), now);
            }
        }
        noticeEvents(monitorId, List.of(), current, events);
        // Exemptions that expired before the first run are reported at once: someone meant to look at them.
        events.addAll(expiredExemptions(monitorId, current, Instant.MIN, now, alertedAt));
        return new Result(List.copyOf(events), current, Map.copyOf(alertedAt), 0);
    }

    private void requirementEvents(String monitorId, Snapshot previous, Snapshot current, List<ChangeEvent> out) {
        Set<String> names = new TreeSet<>(previous.requirements().keySet());
        names.addAll(current.requirements().keySet());
        for (String name : names) {
            MfaStatus from = previous.requirements().getOrDefault(name, MfaStatus.UNKNOWN);
            MfaStatus to = current.requirements().getOrDefault(name, MfaStatus.UNKNOWN);
            EventType type = null;
            if (to == MfaStatus.DISABLED && from != MfaStatus.DISABLED) {
                // From UNKNOWN too (a requirement never seen before): nobody has been told it is off.
                type = EventType.REQUIREMENT_DISABLED;
            } else if (from == MfaStatus.DISABLED && to == MfaStatus.ENABLED) {
                type = EventType.REQUIREMENT_ENABLED;
            }
            if (type != null) {
                // A fact of the same name says how it stands ("7 of 20 active users are not enforced").
                String fact = current.facts().get(name);
                out.add(event(monitorId, current, type, "requirement:" + name, Optional.empty(), Optional.of(from),
                        Optional.of(to), fact == null || fact.isBlank() ? name : name + ": " + fact));
            }
        }
    }

    /** A gap opening is a failure of part of the monitor; a gap closing is its recovery. Reported once each way. */
    private void gapEvents(String monitorId, Snapshot previous, Snapshot current, List<ChangeEvent> out) {
        Map<String, String> before = gapsByScope(previous);
        Map<String, String> after = gapsByScope(current);
        after.forEach((scope, reason) -> {
            if (!before.containsKey(scope)) {
                out.add(event(monitorId, current, EventType.MONITOR_FAILED, "gap:" + scope, Optional.empty(),
                        Optional.empty(), Optional.empty(), "could not see " + scope + ": " + reason));
            }
        });
        before.keySet().forEach(scope -> {
            if (!after.containsKey(scope)) {
                out.add(event(monitorId, current, EventType.MONITOR_RECOVERED, "gap:" + scope, Optional.empty(),
                        Optional.empty(), Optional.empty(), "sees " + scope + " again"));
            }
        });
    }

    /**
     * A plugin's own notices: each new one (by type, account and subject) is raised once; one still there in the next
     * snapshot is not news. Only namespaced plugin types may be raised this way: a built-in type is the engine's word
     * (the run engine fails a monitor whose notice has a type its provider did not declare).
     */
    private void noticeEvents(String monitorId, List<Notice> before, Snapshot current, List<ChangeEvent> out) {
        Set<String> seen = new HashSet<>();
        before.forEach(n -> seen.add(noticeKey(n)));
        Map<String, Account> byId = new HashMap<>();
        if (!current.notices().isEmpty()) {
            current.accounts().forEach(a -> byId.put(a.id(), a));
        }
        for (Notice notice : current.notices()) {
            if (!notice.type().declaredByPlugin() || !seen.add(noticeKey(notice))) {
                continue;
            }
            Optional<Account> account = notice.accountId().map(byId::get);
            out.add(event(monitorId, current, notice.type(), "notice:" + noticeKey(notice), account, Optional.empty(),
                    account.map(Account::mfa), notice.detail()));
        }
    }

    private static String noticeKey(Notice notice) {
        return notice.type().name() + '\u0000' + notice.accountId().orElse("") + '\u0000' + notice.subject();
    }

    private static Map<String, String> gapsByScope(Snapshot snapshot) {
        Map<String, String> gaps = new TreeMap<>();
        snapshot.gaps().forEach(g -> gaps.put(g.scope(), g.reason()));
        return gaps;
    }

    private List<ChangeEvent> applyExemptions(String monitorId, List<ChangeEvent> events, Snapshot accepted,
                                              Instant since, Instant now, Map<String, Instant> alertedAt) {
        List<ChangeEvent> kept = new ArrayList<>();
        for (ChangeEvent event : events) {
            boolean silenced = !event.type().goodNews() && event.account().isPresent()
                    && exempt(monitorId, event.account().get(), now);
            if (!silenced) {
                kept.add(event);
            } else {
                alertedAt.remove(event.account().get().id());
            }
        }
        kept.addAll(expiredExemptions(monitorId, accepted, since, now, alertedAt));
        return kept;
    }

    /**
     * Exemptions of this monitor that expired in (since, snapshot time]: reported once, in the run whose snapshot
     * crosses the expiry. The window ends at the snapshot's time, not at {@code now}, because the next run's window
     * starts there: a source whose report lags the run (IAM's credential report) would otherwise report it twice.
     */
    private List<ChangeEvent> expiredExemptions(String monitorId, Snapshot snapshot, Instant since, Instant now,
                                                Map<String, Instant> alertedAt) {
        List<ChangeEvent> events = new ArrayList<>();
        for (Exemption exemption : policy.exemptions()) {
            Optional<Instant> expiry = exemption.expiresAt();
            if (!exemption.monitorId().equals(monitorId) || expiry.isEmpty()
                    || !expiry.get().isAfter(since) || expiry.get().isAfter(snapshot.observedAt())) {
                continue;
            }
            Optional<Account> account = snapshot.accounts().stream().filter(a -> exemption.matches(monitorId, a)).findFirst();
            boolean stillWithout = account.map(a -> a.mfa() == MfaStatus.DISABLED).orElse(false);
            String detail = "exception for " + exemption.account() + " (\"" + exemption.reason() + "\") expired on "
                    + exemption.expires().get() + (stillWithout ? "; the account is still without MFA" : "");
            ChangeEvent.Builder expired = ChangeEvent.builder(EventType.EXCEPTION_EXPIRED, monitorId, snapshot.service(),
                            snapshot.observedAt())
                    .id(ChangeEvent.idOf(monitorId, "exemption:" + exemption.account(), EventType.EXCEPTION_EXPIRED, expiry.get()))
                    .severity(stillWithout ? Severity.HIGH : Severity.LOW).detail(detail);
            account.ifPresent(a -> expired.account(a).current(a.mfa()));
            events.add(expired.build());
            if (stillWithout) {
                alertedAt.put(account.get().id(), now);
            }
        }
        return events;
    }

    private List<ChangeEvent> reminders(String monitorId, Snapshot accepted, Instant now, Map<String, Instant> alertedAt) {
        List<ChangeEvent> events = new ArrayList<>();
        for (Account account : accepted.accounts()) {
            if (account.mfa() != MfaStatus.DISABLED || exempt(monitorId, account, now)) {
                continue;
            }
            Instant last = alertedAt.get(account.id());
            if (last == null) {
                // Without MFA and never alerted on: an exception stopped covering it (removed from the configuration,
                // or the account was renamed away from a name-based one). Say so now, not a remind interval later.
                events.add(accountEvent(monitorId, accepted, EventType.MFA_DISABLED, account, Optional.empty(),
                        "without MFA and no longer covered by an exception"));
                alertedAt.put(account.id(), now);
            } else if (policy.remind().isPresent() && !last.plus(policy.remind().get()).isAfter(now)) {
                events.add(accountEvent(monitorId, accepted, EventType.REMINDER, account, Optional.of(MfaStatus.DISABLED),
                        "without MFA since at least " + last));
                alertedAt.put(account.id(), now);
            }
        }
        return events;
    }

    /** The {@code weakMfa} fact monitors set for SMS second factors and virtual-only root devices. */
    private static boolean weak(Account account) {
        return "true".equals(account.facts().get("weakMfa"));
    }

    private boolean exempt(String monitorId, Account account, Instant now) {
        return !policy.exemptions().isEmpty() && policy.exemptionFor(monitorId, account, now).isPresent();
    }

    private ChangeEvent accountEvent(String monitorId, Snapshot snapshot, EventType type, Account account,
                                     Optional<MfaStatus> previous, String detail) {
        return event(monitorId, snapshot, type, account.id(), Optional.of(account), previous, Optional.of(account.mfa()), detail);
    }

    /**
     * An event of this diff. Its id hashes what the change is made of (monitor, subject, type) and the snapshot it was
     * diffed against, not the new snapshot's time: when a commit fails, the next run diffs against the same snapshot
     * and raises the same change with the same id, so a receiver that already got it can drop the repeat.
     */
    private ChangeEvent event(String monitorId, Snapshot snapshot, EventType type, String subject,
                              Optional<Account> account, Optional<MfaStatus> previous, Optional<MfaStatus> current,
                              String detail) {
        ChangeEvent.Builder builder = ChangeEvent.builder(type, monitorId, snapshot.service(), snapshot.observedAt())
                .id(ChangeEvent.idOf(monitorId, subject, type, idBasis))
                .severity(severityOf(type, account)).detail(detail);
        account.ifPresent(builder::account);
        previous.ifPresent(builder::previous);
        current.ifPresent(builder::current);
        return builder.build();
    }

    /** Root accounts and org owners without MFA are the worst case: escalate their bad news. */
    static Severity severityOf(EventType type, Optional<Account> account) {
        boolean badNews = type == EventType.MFA_DISABLED || type == EventType.NEW_ACCOUNT_WITHOUT_MFA;
        if (badNews && account.isPresent() && Privileged.is(account.get())) {
            return Severity.CRITICAL;
        }
        return type.defaultSeverity();
    }

    /**
     * Account id to position in a list, open addressing over two flat arrays. The ids of one snapshot are unique
     * (the snapshot checks), so there is no update or removal.
     */
    private static final class AccountIndex {
        private final String[] ids;
        private final int[] positions;
        private final int mask;

        AccountIndex(List<Account> accounts) {
            int capacity = Integer.highestOneBit(Math.max(4, accounts.size() * 2 - 1)) << 1;
            ids = new String[capacity];
            positions = new int[capacity];
            mask = capacity - 1;
            for (int i = 0; i < accounts.size(); i++) {
                String id = accounts.get(i).id();
                int slot = slotOf(id);
                while (ids[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                ids[slot] = id;
                positions[slot] = i;
            }
        }

        /** The position of the account with this id, or -1. */
        int indexOf(String id) {
            int slot = slotOf(id);
            for (String key; (key = ids[slot]) != null; slot = (slot + 1) & mask) {
                if (key.equals(id)) {
                    return positions[slot];
                }
            }
            return -1;
        }

        /**
         * HashMap's spreading, not a scrambling hash: ids that follow each other (GitHub's numeric ids) land in slots
         * near each other, which keeps a million lookups in cache; scrambling them made the diff three times slower.
         */
        private int slotOf(String id) {
            int h = id.hashCode();
            return (h ^ (h >>> 16)) & mask;
        }
    }

    /** A growable list of ints, without boxing. */
    private static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int get(int index) {
            return values[index];
        }
    }

    private static String describeCounts(Map<EventType, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().words())
                .collect(Collectors.joining(", "));
    }

    private static String names(List<String> names) {
        if (names.size() <= NAMES_IN_DETAIL) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, NAMES_IN_DETAIL)) + " ... and " + (names.size() - NAMES_IN_DETAIL) + " more";
    }
}
