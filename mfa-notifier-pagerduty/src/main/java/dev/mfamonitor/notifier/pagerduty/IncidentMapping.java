package dev.mfamonitor.notifier.pagerduty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.support.NotificationText;
import dev.mfamonitor.support.SafeText;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a notification's events to PagerDuty incidents. PagerDuty keeps state, a chat channel does not: an account
 * without MFA is one incident, opened by the change that took its MFA away and resolved, with the same
 * {@code dedup_key}, by the change that gave it back or took the account away.
 *
 * <ul>
 * <li>{@code MFA_DISABLED}, {@code NEW_ACCOUNT_WITHOUT_MFA}, {@code WEAK_MFA}: trigger the account's incident;
 *     {@code MFA_ENABLED}, {@code MFA_NOT_REQUIRED}, {@code ACCOUNT_REMOVED}: resolve it, except an
 *     {@code MFA_ENABLED} to a weak second factor.</li>
 * <li>{@code REQUIREMENT_DISABLED} / {@code REQUIREMENT_ENABLED}: trigger / resolve the requirement's incident.</li>
 * <li>{@code MONITOR_FAILED} / {@code MONITOR_RECOVERED}: trigger / resolve the monitor's health incident.</li>
 * <li>{@code CHANGES_WITHHELD}, {@code EXCEPTION_EXPIRED}: a {@code warning} under keys of their own, for a person to
 *     act on and resolve; {@code DELIVERY_ABANDONED}: an incident per notifier that lost alerts.</li>
 * <li>{@code BASELINE}: nothing (existing debt is not a page), unless {@code baselineIncidents} is set;
 *     {@code REMINDER}: nothing (the incident is still open).</li>
 * </ul>
 *
 * <p>When a notification would make more than {@code maxIncidentsPerRun} requests, the largest groups of account
 * changes of one monitor and type are collapsed, one by one, into one summary request each ("37 accounts of hr
 * disabled MFA"), until it fits.
 */
final class IncidentMapping {
    /** PagerDuty's limit for {@code payload.summary}, in characters. */
    static final int MAX_SUMMARY_CHARS = 1024;
    /** Names listed in a summary incident's details before "and N more". */
    static final int MAX_LISTED_NAMES = 50;
    private static final int MAX_DETAIL_CHARS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<EventType> ACCOUNT_TRIGGERS = Set.of(EventType.MFA_DISABLED,
            EventType.NEW_ACCOUNT_WITHOUT_MFA, EventType.WEAK_MFA);
    private static final Set<EventType> ACCOUNT_RESOLVES = Set.of(EventType.MFA_ENABLED, EventType.MFA_NOT_REQUIRED,
            EventType.ACCOUNT_REMOVED);
    /** The order summary resolves are sent in: the account triggers, most severe first. */
    private static final List<EventType> SUMMARY_TYPES = List.of(EventType.MFA_DISABLED,
            EventType.NEW_ACCOUNT_WITHOUT_MFA, EventType.WEAK_MFA);
    private static final Pattern BASELINE_WITHOUT = Pattern.compile(", (\\d+) without");

    private final int maxIncidentsPerRun;
    private final boolean baselineIncidents;

    IncidentMapping(int maxIncidentsPerRun, boolean baselineIncidents) {
        this.maxIncidentsPerRun = maxIncidentsPerRun;
        this.baselineIncidents = baselineIncidents;
    }

    /** The requests for these events, in the order the events occurred. */
    List<PagerDutyEvent> map(List<ChangeEvent> events) {
        List<Planned> planned = new ArrayList<>();
        for (ChangeEvent event : events) {
            plan(event).ifPresent(planned::add);
        }
        Set<String> collapsed = collapsedGroups(planned);
        Map<String, List<ChangeEvent>> members = new LinkedHashMap<>();
        for (Planned p : planned) {
            if (p.group() != null && collapsed.contains(p.group())) {
                members.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p.source());
            }
        }
        List<PagerDutyEvent> out = new ArrayList<>();
        for (Planned p : planned) {
            if (p.group() == null || !collapsed.contains(p.group())) {
                out.add(p.request());
            } else if (members.containsKey(p.group())) {
                out.addAll(summary(members.remove(p.group())));
            }
        }
        return out;
    }

    /**
     * The groups to collapse: none while the requests fit, else the largest groups (then the earliest) until the
     * count fits or no group of two or more is left.
     */
    private Set<String> collapsedGroups(List<Planned> planned) {
        if (planned.size() <= maxIncidentsPerRun) {
            return Set.of();
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Planned p : planned) {
            if (p.group() != null) {
                sizes.merge(p.group(), 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> bySize = new ArrayList<>(sizes.entrySet());
        bySize.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
        Set<String> collapsed = new java.util.HashSet<>();
        int count = planned.size();
        for (Map.Entry<String, Integer> group : bySize) {
            if (count <= maxIncidentsPerRun || group.getValue() < 2) {
                break;
            }
            collapsed.add(group.getKey());
            // A collapsed resolve group resolves every summary incident of its monitor: one request per trigger type.
            int replacement = ACCOUNT_RESOLVES.contains(typeOfGroup(group.getKey())) ? SUMMARY_TYPES.size() : 1;
            count -= group.getValue() - replacement;
        }
        return collapsed;
    }

    private Optional<Planned> plan(ChangeEvent event) {
        EventType type = event.type();
        String monitor = event.monitorId();
        if (event.account().isPresent() && (ACCOUNT_TRIGGERS.contains(type) || ACCOUNT_RESOLVES.contains(type))) {
            Account account = event.account().get();
            if (type.equals(EventType.MFA_ENABLED) && "true".equals(account.facts().get("weakMfa"))) {
                // Only a weak second factor (SMS): not fixed. The engine raises this run's WEAK_MFA before the
                // MFA_ENABLED, so a resolve here would close the incident that WEAK_MFA just updated.
                return Optional.empty();
            }
            String key = dedupKey(monitor, "account", account.id());
            String group = monitor + '\u0000' + type.name();
            String what = type.name() + " of account id " + account.id() + " (" + monitor + ")";
            return Optional.of(new Planned(event, group, ACCOUNT_TRIGGERS.contains(type)
                    ? PagerDutyEvent.trigger(key, payload(event, severity(event.severity()), accountSummary(event)), what)
                    : PagerDutyEvent.resolve(key, what)));
        }
        String what = type.name() + " (" + (monitor.isEmpty() ? event.notifierId().orElse("mfa-monitor") : monitor) + ")";
        if (type.equals(EventType.REQUIREMENT_DISABLED) || type.equals(EventType.REQUIREMENT_ENABLED)) {
            String key = dedupKey(monitor, "requirement", requirementName(event));
            return Optional.of(new Planned(event, null, type.equals(EventType.REQUIREMENT_DISABLED)
                    ? PagerDutyEvent.trigger(key, payload(event, severity(event.severity()), sourceSummary(event)), what)
                    : PagerDutyEvent.resolve(key, what)));
        }
        if (type.equals(EventType.MONITOR_FAILED) || type.equals(EventType.MONITOR_RECOVERED)) {
            String key = dedupKey(monitor, "health");
            return Optional.of(new Planned(event, null, type.equals(EventType.MONITOR_FAILED)
                    ? PagerDutyEvent.trigger(key, payload(event, severity(event.severity()), sourceSummary(event)), what)
                    : PagerDutyEvent.resolve(key, what)));
        }
        if (type.equals(EventType.CHANGES_WITHHELD)) {
            return Optional.of(new Planned(event, null, PagerDutyEvent.trigger(dedupKey(monitor, "changes-withheld"),
                    payload(event, "warning", sourceSummary(event)), what)));
        }
        if (type.equals(EventType.EXCEPTION_EXPIRED)) {
            // The event's id is stable for one exception and its expiry; the account, when the monitor still sees it.
            String subject = event.account().map(Account::id).orElse(event.id());
            return Optional.of(new Planned(event, null, PagerDutyEvent.trigger(dedupKey(monitor, "exception-expired", subject),
                    payload(event, "warning", event.account().isPresent() ? accountSummary(event) : sourceSummary(event)),
                    what)));
        }
        if (type.equals(EventType.DELIVERY_ABANDONED)) {
            String notifier = event.notifierId().orElse("");
            return Optional.of(new Planned(event, null, PagerDutyEvent.trigger(dedupKey("", "delivery-abandoned", notifier),
                    payload(event, severity(event.severity()), sourceSummary(event)), what)));
        }
        if (type.equals(EventType.BASELINE)) {
            if (!baselineIncidents || baselineWithoutNone(event)) {
                return Optional.empty();
            }
            return Optional.of(new Planned(event, null, PagerDutyEvent.trigger(dedupKey(monitor, "baseline"),
                    payload(event, "warning", sourceSummary(event)), what)));
        }
        if (type.equals(EventType.REMINDER) || type.goodNews()) {
            return Optional.empty();
        }
        if (type.declaredByPlugin()) {
            String subject = event.account().map(Account::id).orElse(event.id());
            return Optional.of(new Planned(event, null, PagerDutyEvent.trigger(dedupKey(monitor, type.name(), subject),
                    payload(event, severity(event.severity()), event.account().isPresent() ? accountSummary(event)
                            : sourceSummary(event)), what)));
        }
        return Optional.empty();
    }

    /** The requests that stand for a collapsed group: one trigger, or a resolve of each summary incident of its monitor. */
    private List<PagerDutyEvent> summary(List<ChangeEvent> events) {
        ChangeEvent first = events.get(0);
        String monitor = first.monitorId();
        if (ACCOUNT_RESOLVES.contains(first.type())) {
            List<PagerDutyEvent> resolves = new ArrayList<>();
            for (EventType type : SUMMARY_TYPES) {
                resolves.add(PagerDutyEvent.resolve(dedupKey(monitor, "summary", type.name()),
                        "the summary resolve of " + events.size() + " " + first.type().name() + " (" + monitor + ")"));
            }
            return resolves;
        }
        Severity worst = events.stream().map(ChangeEvent::severity).min(Comparator.naturalOrder()).orElseThrow();
        List<String> names = events.stream().flatMap(e -> e.account().stream())
                .map(a -> NotificationText.cut(SafeText.clean(a.name()), NotificationText.MAX_NAME_CHARS)).toList();
        String head = summaryHead(first.type(), events.size(), text(monitor));
        ObjectNode payload = payload(first, severity(worst), listing(head, names));
        ObjectNode details = JSON.createObjectNode();
        details.put("type", first.type().name());
        details.put("title", first.type().words());
        details.put("severity", worst.name());
        details.put("monitor", text(monitor));
        details.put("service", text(first.service()));
        details.put("count", events.size());
        ArrayNode listed = details.putArray("accounts");
        ArrayNode ids = details.putArray("account_ids");
        int shown = Math.min(MAX_LISTED_NAMES, events.size());
        for (int i = 0; i < shown; i++) {
            listed.add(names.get(i));
            ids.add(text(events.get(i).account().orElseThrow().id()));
        }
        if (events.size() > shown) {
            details.put("more", "and " + (events.size() - shown) + " more");
        }
        details.put("why", "more than maxIncidentsPerRun (" + maxIncidentsPerRun + ") incidents at once: one incident "
                + "for the group instead of one per account");
        payload.set("custom_details", details);
        return List.of(PagerDutyEvent.trigger(dedupKey(monitor, "summary", first.type().name()), payload,
                "the summary trigger of " + events.size() + " " + first.type().name() + " (" + monitor + ")"));
    }

    private static String summaryHead(EventType type, int count, String monitor) {
        if (type.equals(EventType.MFA_DISABLED)) {
            return count + " accounts of " + monitor + " disabled MFA";
        }
        if (type.equals(EventType.NEW_ACCOUNT_WITHOUT_MFA)) {
            return count + " new accounts of " + monitor + " without MFA";
        }
        if (type.equals(EventType.WEAK_MFA)) {
            return count + " accounts of " + monitor + " with weak MFA";
        }
        return count + " accounts of " + monitor + ": " + type.words();
    }

    /** "HEAD: "a", "b" and N more", as many names as fit in PagerDuty's summary. */
    private static String listing(String head, List<String> names) {
        StringBuilder text = new StringBuilder(head);
        int shown = 0;
        for (String name : names) {
            if (shown == MAX_LISTED_NAMES) {
                break;
            }
            String next = (shown == 0 ? ": " : ", ") + NotificationText.quote(name);
            String rest = " and " + (names.size() - shown - 1) + " more";
            if (text.length() + next.length() + rest.length() > MAX_SUMMARY_CHARS) {
                break;
            }
            text.append(next);
            shown++;
        }
        if (shown < names.size()) {
            text.append(shown == 0 ? ": " : " and ").append(names.size() - shown).append(" more");
        }
        return cut(text.toString(), MAX_SUMMARY_CHARS);
    }

    /** {@code MFA disabled: "carol" (member, admin) of github-acme (github)}. */
    private static String accountSummary(ChangeEvent event) {
        Account account = event.account().orElseThrow();
        String role = account.facts().getOrDefault("role", "");
        String kind = text(account.kind()) + (role.isBlank() ? "" : ", " + text(role));
        String detail = event.detail().isBlank() ? "" : ": " + SafeText.clean(event.detail());
        return cut(event.type().words() + ": " + NotificationText.quote(NotificationText.cut(SafeText.clean(account.name()),
                NotificationText.MAX_NAME_CHARS)) + " (" + kind + ") of " + origin(event) + detail, MAX_SUMMARY_CHARS);
    }

    /** {@code Monitor failed: aws-prod (aws): IAM answered AccessDenied ...}. */
    private static String sourceSummary(ChangeEvent event) {
        String detail = event.detail().isBlank() ? "" : ": " + SafeText.clean(event.detail());
        return cut(event.type().words() + ": " + origin(event) + detail, MAX_SUMMARY_CHARS);
    }

    private static String origin(ChangeEvent event) {
        if (event.monitorId().isEmpty()) {
            return "notifier " + text(event.notifierId().orElse("?"));
        }
        return text(event.monitorId()) + " (" + text(event.service()) + ")";
    }

    /** A trigger's {@code payload}, PagerDuty's Common Event Format filled from the event. */
    private static ObjectNode payload(ChangeEvent event, String severity, String summary) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("summary", summary);
        payload.put("source", event.monitorId().isEmpty() ? "mfa-monitor" : text(event.monitorId()));
        payload.put("severity", severity);
        payload.put("timestamp", event.at().toString());
        payload.put("component", text(event.service()));
        String scope = event.account().map(Account::scope).orElse("");
        payload.put("group", scope.isBlank() ? (event.monitorId().isEmpty() ? "mfa-monitor" : text(event.monitorId()))
                : text(scope));
        payload.put("class", event.type().name());
        ObjectNode details = payload.putObject("custom_details");
        details.put("event_id", event.id());
        details.put("type", event.type().name());
        details.put("title", event.type().words());
        details.put("severity", event.severity().name());
        details.put("monitor", text(event.monitorId()));
        details.put("service", text(event.service()));
        event.account().ifPresent(account -> {
            ObjectNode node = details.putObject("account");
            node.put("id", text(account.id()));
            node.put("name", NotificationText.cut(SafeText.clean(account.name()), 200));
            node.put("kind", text(account.kind()));
            node.put("scope", text(account.scope()));
            ObjectNode facts = node.putObject("facts");
            account.facts().forEach((name, value) -> facts.put(text(name), text(value)));
        });
        event.previous().ifPresent(status -> details.put("previous_status", status.name()));
        event.current().ifPresent(status -> details.put("current_status", status.name()));
        event.notifierId().ifPresent(id -> details.put("notifier", text(id)));
        if (!event.carried().isEmpty()) {
            details.put("carried_events", event.carried().size());
        }
        if (!event.detail().isBlank()) {
            details.put("detail", NotificationText.cut(SafeText.clean(event.detail()), MAX_DETAIL_CHARS));
        }
        return payload;
    }

    /** Ours to PagerDuty's: critical, high to error, medium to warning, low and info to info. */
    static String severity(Severity severity) {
        return switch (severity) {
            case CRITICAL -> "critical";
            case HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, INFO -> "info";
        };
    }

    /**
     * The incident key: {@code mfa-} and 40 hex digits of SHA-256 over the parts. Stable across runs and releases, and
     * no account id or name in clear.
     */
    static String dedupKey(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "mfa-" + HexFormat.of().formatHex(sha.digest(), 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The account's incident key, as a test or a person computes it: {@code dedupKey(monitorId, "account", accountId)}. */
    static String accountKey(String monitorId, String accountId) {
        return dedupKey(monitorId, "account", accountId);
    }

    /** A requirement event's detail starts with the requirement's name, then ": " and how it stands, if known. */
    private static String requirementName(ChangeEvent event) {
        String detail = event.detail();
        int colon = detail.indexOf(": ");
        return colon < 0 ? detail : detail.substring(0, colon);
    }

    /** Whether a baseline says no account is without MFA ("..., 0 without, ..."): nothing to open then. */
    private static boolean baselineWithoutNone(ChangeEvent event) {
        Matcher without = BASELINE_WITHOUT.matcher(event.detail());
        return without.find() && without.group(1).equals("0");
    }

    private static EventType typeOfGroup(String group) {
        String name = group.substring(group.indexOf('\u0000') + 1);
        return EventType.builtIn(name).orElseThrow();
    }

    /** Source text for PagerDuty: control and invisible characters removed, cut. */
    private static String text(String value) {
        return NotificationText.cut(SafeText.clean(value), NotificationText.MAX_TEXT_CHARS);
    }

    /** At most {@code max} UTF-16 characters (PagerDuty counts those), never splitting a surrogate pair. */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** An event with its request, and its group (monitor and type) when it is an account change that may be collapsed. */
    private record Planned(ChangeEvent source, String group, PagerDutyEvent request) {
    }
}
