package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.support.RuntimeSecrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.monitor.okta.OktaException.Reason;
import dev.mfamonitor.monitor.okta.OktaHttp.Answer;
import dev.mfamonitor.monitor.okta.OktaHttp.Endpoint;
import dev.mfamonitor.monitor.okta.OktaSettings.Credential;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The MFA status of every user of one Okta org, from each user's enrolled factors.
 *
 * <p>Okta has no bulk factors endpoint, so a full read costs one request per user. It happens on the first run, on a
 * full scan the engine asks for ({@code check}) and at most once per {@code fullScanInterval}. In between, a run reads
 * the System Log since the last run (a bounded query, with an overlap for late events) filtered on the factor and
 * lifecycle events, and the users created or updated since, and re-reads only the users they name. Anything that
 * makes the log's answer doubtful (an org-wide factor deactivation, a failed page, a cursor past the log's retention)
 * means a full read instead: the monitor never guesses.
 */
final class OktaMonitor implements Monitor {
    private static final Logger log = LoggerFactory.getLogger(OktaMonitor.class);

    static final String SERVICE = "okta";
    static final String KIND = "user";
    /** Snapshot fact: when the last full read was (ISO-8601). */
    static final String LAST_FULL_SCAN = "lastFullScan";
    /** Snapshot fact: the System Log was read up to here (the next run reads from here, less the overlap). */
    static final String LOG_CURSOR = "logCursor";
    /** Snapshot fact: {@code full} or {@code changes}. */
    static final String SCAN = "scan";
    /** Snapshot fact: why a run that could have read only the changes read everything. */
    static final String FULL_SCAN_BECAUSE = "fullScanBecause";
    /** Snapshot fact: whether admin role assignments were read. */
    static final String ADMIN_ROLES = "adminRoles";
    /** The log is eventually consistent: each run reads again this much before the last cursor. */
    static final Duration OVERLAP = Duration.ofMinutes(5);
    /** Okta keeps the System Log 90 days; a cursor older than this (with a margin) means a full read. */
    static final Duration RETENTION = Duration.ofDays(90).minusHours(1);
    /** Statuses of users who cannot sign in: MFA does not apply, and their factors are not read. */
    static final Set<String> CANNOT_SIGN_IN = Set.of("DEPROVISIONED", "SUSPENDED");
    /** The events whose users are re-read, and the org-wide one that means a full read. */
    static final List<String> EVENT_TYPES = List.of("user.mfa.factor.activate", "user.mfa.factor.deactivate",
            "user.mfa.factor.reset_all", "user.mfa.factor.suspend", "user.mfa.factor.unsuspend",
            "user.mfa.factor.update", "user.lifecycle.create", "user.lifecycle.activate", "user.lifecycle.suspend",
            "user.lifecycle.unsuspend", "user.lifecycle.deactivate", "user.lifecycle.reactivate",
            "user.lifecycle.delete.initiated", "system.mfa.factor.deactivate");
    static final String ORG_FACTOR_DEACTIVATED = "system.mfa.factor.deactivate";

    private final OktaSettings settings;
    private final PluginContext context;
    private final RuntimeSecrets scrubber;
    private final OktaHttp http;
    private volatile boolean rolesWarned;
    private volatile boolean logWarned;

    OktaMonitor(OktaSettings settings, PluginContext context) {
        this.settings = settings;
        this.context = context;
        this.scrubber = new RuntimeSecrets(context.redactor());
        if (settings.credential() instanceof Credential.ServiceApp app) {
            scrubber.addAll(app.key().secretForms());
        } else if (settings.credential() instanceof Credential.ApiToken token) {
            scrubber.add(token.token().reveal());
        }
        this.http = new OktaHttp(settings, context, scrubber);
    }

    /** API requests sent so far (retries included), token requests not. */
    long apiRequests() {
        return http.requests();
    }

    /** A thrown-away signal: the log cannot be trusted for this run; read everything. */
    private static final class ReadEverything extends Exception {
        private static final long serialVersionUID = 1L;

        ReadEverything(String reason) {
            super(reason, null, false, false);
        }
    }

    @Override
    public Snapshot snapshot(ScanRequest request) throws OktaException, InterruptedException {
        Instant now = context.clock().instant();
        Optional<Snapshot> previous = request.previous();
        List<Notice> notices = new ArrayList<>();
        if (request.fullScan() || previous.isEmpty()) {
            return full(request, now, Optional.empty(), notices);
        }
        Optional<String> due = fullScanDue(previous.get(), now);
        if (due.isPresent()) {
            return full(request, now, due, notices);
        }
        try {
            return changes(request, previous.get(), now, notices);
        } catch (ReadEverything e) {
            log.info("monitor '{}': reading every user of org {}: {}", context.instanceId(), settings.org(), e.getMessage());
            return full(request, now, Optional.of(e.getMessage()), notices);
        }
    }

    /** Why the previous snapshot cannot be built on, if it cannot. */
    private Optional<String> fullScanDue(Snapshot previous, Instant now) {
        Optional<Instant> last = instant(previous.facts().get(LAST_FULL_SCAN));
        Optional<Instant> cursor = instant(previous.facts().get(LOG_CURSOR));
        if (last.isEmpty() || cursor.isEmpty()) {
            return Optional.of("the previous snapshot has no System Log cursor");
        }
        // A clock that went back (a time in the future) must not postpone the full read for ever.
        if (last.get().isAfter(now) || cursor.get().isAfter(now.plus(OVERLAP))) {
            return Optional.of("the clock went back since the last run");
        }
        if (!now.isBefore(last.get().plus(settings.fullScanInterval()))) {
            return Optional.of("fullScanInterval (" + settings.fullScanInterval() + ") has passed");
        }
        if (cursor.get().minus(OVERLAP).isBefore(now.minus(RETENTION))) {
            return Optional.of("the last run read the System Log on " + cursor.get() + ", further back than the 90 days "
                    + "Okta keeps it (a query past retention succeeds silently with less)");
        }
        return Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Every user (DEPROVISIONED ones through a search, as the plain listing leaves them out) and each one's factors. */
    private Snapshot full(ScanRequest request, Instant now, Optional<String> because, List<Notice> notices)
            throws OktaException, InterruptedException {
        Deadline deadline = request.deadline();
        Map<String, JsonNode> users = new LinkedHashMap<>();
        http.forEachPage(Endpoint.USERS, http.uri("/api/v1/users", "limit", "200"), deadline, false,
                user -> users.put(user.path("id").asText(""), user), () -> request.progress().read(users.size(), "users"));
        http.forEachPage(Endpoint.USERS, http.uri("/api/v1/users", "search", "status eq \"DEPROVISIONED\"", "limit", "200"),
                deadline, false, user -> users.put(user.path("id").asText(""), user),
                () -> request.progress().read(users.size(), "users"));
        requireIds(users.keySet());
        Optional<Set<String>> admins = admins(deadline, notices);
        Map<String, Account> accounts = new LinkedHashMap<>();
        int read = 0;
        for (JsonNode user : users.values()) {
            fromUser(user, admins.orElse(Set.of()), deadline).ifPresent(a -> accounts.put(a.id(), a));
            request.progress().read(++read, "users' factors");
        }
        return snapshot(now, accounts, now, now, "full", because, admins.isPresent(), notices);
    }

    /** The users the System Log and {@code lastUpdated} name since the last run, re-read; the rest carried over. */
    private Snapshot changes(ScanRequest request, Snapshot previous, Instant now, List<Notice> notices)
            throws OktaException, InterruptedException, ReadEverything {
        Deadline deadline = request.deadline();
        Instant cursor = Instant.parse(previous.facts().get(LOG_CURSOR));
        Instant since = cursor.minus(OVERLAP);
        Map<String, Boolean> named = readLog(since, now, deadline, notices);

        Map<String, JsonNode> updated = new LinkedHashMap<>();
        http.forEachPage(Endpoint.USERS, http.uri("/api/v1/users", "search",
                        "lastUpdated gt \"" + OktaHttp.millis(since) + "\"", "limit", "200"), deadline, false,
                user -> updated.put(user.path("id").asText(""), user), () -> request.progress().read(updated.size(), "users"));
        requireIds(updated.keySet());
        Optional<Set<String>> admins = admins(deadline, notices);

        Map<String, Account> accounts = new LinkedHashMap<>();
        previous.accounts().forEach(a -> accounts.put(a.id(), a));
        int read = 0;
        for (JsonNode user : updated.values()) {
            String id = user.path("id").asText();
            Optional<Account> account = fromUser(user, admins.orElse(Set.of()), deadline);
            if (account.isPresent()) {
                accounts.put(id, account.get());
            } else {
                accounts.remove(id);
            }
            request.progress().read(++read, "users re-read");
        }
        for (Map.Entry<String, Boolean> entry : named.entrySet()) {
            String id = entry.getKey();
            if (updated.containsKey(id)) {
                continue;
            }
            Account was = accounts.get(id);
            Optional<Account> account;
            if (was == null || entry.getValue()) {
                // New to us, or its status changed: the user record says what it is now (404: deleted).
                Answer answer = http.get(Endpoint.USER, http.uri("/api/v1/users/" + segment(id)), deadline);
                if (answer.status() == 404) {
                    account = Optional.empty();
                } else if (!answer.ok()) {
                    throw http.failure(Endpoint.USER, answer);
                } else {
                    account = fromUser(answer.json(), admins.orElse(Set.of()), deadline);
                }
            } else {
                account = refactored(was, admins.orElse(Set.of()), deadline);
            }
            if (account.isPresent()) {
                accounts.put(id, account.get());
            } else {
                accounts.remove(id);
            }
            request.progress().read(++read, "users re-read");
        }
        Map<String, Account> before = new LinkedHashMap<>();
        previous.accounts().forEach(a -> before.put(a.id(), a));
        for (Map.Entry<String, Account> entry : accounts.entrySet()) {
            // Role assignments are read whole on every run (a page or two), so a new or removed admin shows at once;
            // when they cannot be read, an account keeps the role it had.
            Account was = before.get(entry.getKey());
            boolean admin = admins.map(a -> a.contains(entry.getKey()))
                    .orElse(was != null && "admin".equals(was.facts().get("role")));
            entry.setValue(withRole(entry.getValue(), admin));
        }
        Instant lastFull = instant(previous.facts().get(LAST_FULL_SCAN)).orElse(now);
        return snapshot(now, accounts, lastFull, now, "changes", Optional.empty(), admins.isPresent(), notices);
    }

    /**
     * The users the log names in [since, until), each with whether a lifecycle event names it (its status may have
     * changed, so its record is read too).
     *
     * @throws ReadEverything when the log's answer cannot be relied on
     */
    private Map<String, Boolean> readLog(Instant since, Instant until, Deadline deadline, List<Notice> notices)
            throws OktaException, InterruptedException, ReadEverything {
        StringBuilder filter = new StringBuilder();
        for (String type : EVENT_TYPES) {
            filter.append(filter.length() == 0 ? "" : " or ").append("eventType eq \"").append(type).append('"');
        }
        // A bounded query (since and until): a since-only query is a poll whose next link never ends.
        URI first = http.uri("/api/v1/logs", "since", OktaHttp.millis(since), "until", OktaHttp.millis(until),
                "filter", filter.toString(), "limit", "1000", "sortOrder", "ASCENDING");
        Map<String, Boolean> named = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try {
            http.forEachPage(Endpoint.LOGS, first, deadline, true, event -> {
                String type = event.path("eventType").asText("");
                if (type.equals(ORG_FACTOR_DEACTIVATED)) {
                    problems.add("a factor type was deactivated for the whole org (" + ORG_FACTOR_DEACTIVATED + " at "
                            + scrubber.quote(event.path("published").asText()) + ")");
                    return;
                }
                boolean lifecycle = type.startsWith("user.lifecycle.");
                boolean any = false;
                for (JsonNode target : event.path("target")) {
                    if ("User".equals(target.path("type").asText()) && !target.path("id").asText("").isBlank()) {
                        named.merge(target.path("id").asText(), lifecycle, Boolean::logicalOr);
                        any = true;
                    }
                }
                if (!any) {
                    problems.add("event " + scrubber.quote(type) + " (" + scrubber.quote(event.path("uuid").asText())
                            + ") names no user");
                }
            }, () -> { });
        } catch (OktaException e) {
            if (e.reason() == Reason.PERMISSION) {
                String detail = "the System Log of org " + settings.org() + " cannot be read (" + e.getMessage()
                        + "); every run reads every user's factors until it can";
                notices.add(new Notice(OktaMonitorProvider.SYSTEM_LOG_UNREADABLE, Optional.empty(), "system-log", detail));
                if (!logWarned) {
                    logWarned = true;
                    log.warn("monitor '{}': {}", context.instanceId(), detail);
                }
                throw new ReadEverything("the System Log cannot be read (403)");
            }
            if (e.reason() == Reason.RATE_LIMITED || e.reason() == Reason.AUTHENTICATION) {
                throw e;
            }
            throw new ReadEverything("a page of the System Log could not be read: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new ReadEverything(problems.get(0));
        }
        return named;
    }

    /**
     * The users holding an administrator role, read whole; empty when the credential may not list role assignments
     * (said once, and as a notice), so the monitor still works without them.
     */
    private Optional<Set<String>> admins(Deadline deadline, List<Notice> notices) throws OktaException, InterruptedException {
        if (http.rolesScopeRefused()) {
            return rolesUnreadable("the service app was not granted the scope okta.roles.read", notices);
        }
        Set<String> admins = new HashSet<>();
        URI next = http.uri("/api/v1/iam/assignees/users", "limit", "100");
        Set<String> seen = new HashSet<>();
        while (next != null) {
            if (!seen.add(next.toString())) {
                throw new OktaException(Reason.OTHER, 200, "", "Okta handed back the same next page twice for "
                        + Endpoint.ROLES.words + " of org " + settings.org());
            }
            Answer answer = http.get(Endpoint.ROLES, next, deadline);
            if (http.rolesScopeRefused()) {
                return rolesUnreadable("the service app was not granted the scope okta.roles.read", notices);
            }
            if (answer.status() == 403 || answer.status() == 401) {
                return rolesUnreadable(http.failure(Endpoint.ROLES, answer).getMessage(), notices);
            }
            if (!answer.ok()) {
                throw http.failure(Endpoint.ROLES, answer);
            }
            JsonNode value = answer.json().path("value");
            if (!value.isArray()) {
                throw new OktaException(Reason.OTHER, answer.status(), "", "Okta answered " + Endpoint.ROLES.words
                        + " of org " + settings.org() + " without a 'value' array");
            }
            value.forEach(user -> admins.add(user.path("id").asText("")));
            JsonNode href = answer.json().path("_links").path("next").path("href");
            next = href.isTextual() && !href.asText().isBlank() ? http.checked(href.asText()) : null;
        }
        admins.remove("");
        return Optional.of(admins);
    }

    private Optional<Set<String>> rolesUnreadable(String why, List<Notice> notices) {
        String detail = "admin role assignments of org " + settings.org() + " cannot be read, so admins without MFA are "
                + "not marked critical: " + why;
        notices.add(new Notice(OktaMonitorProvider.ADMIN_ROLES_UNREADABLE, Optional.empty(), "admin-roles", detail));
        if (!rolesWarned) {
            rolesWarned = true;
            log.warn("monitor '{}': {}", context.instanceId(), detail);
        }
        return Optional.empty();
    }

    /** One user as an account, its factors read unless it cannot sign in; empty when it was deleted meanwhile. */
    private Optional<Account> fromUser(JsonNode user, Set<String> admins, Deadline deadline)
            throws OktaException, InterruptedException {
        String id = user.path("id").asText("");
        String login = user.path("profile").path("login").asText("");
        String status = user.path("status").asText("");
        Map<String, String> facts = new TreeMap<>();
        facts.put("status", status.isEmpty() ? "unknown" : status);
        if (admins.contains(id)) {
            facts.put("role", "admin");
        }
        String name = login.isBlank() ? id : login;
        if (CANNOT_SIGN_IN.contains(status)) {
            return Optional.of(new Account(id, name, KIND, MfaStatus.NOT_APPLICABLE, "", facts));
        }
        return factors(id, deadline).map(f -> account(id, name, facts, f));
    }

    /** The same account with its factors read again (a factor event named it; its status is unchanged). */
    private Optional<Account> refactored(Account was, Set<String> admins, Deadline deadline)
            throws OktaException, InterruptedException {
        Map<String, String> facts = new TreeMap<>();
        facts.put("status", was.facts().getOrDefault("status", "unknown"));
        if (admins.contains(was.id()) || (admins.isEmpty() && "admin".equals(was.facts().get("role")))) {
            facts.put("role", "admin");
        }
        if (CANNOT_SIGN_IN.contains(facts.get("status"))) {
            return Optional.of(new Account(was.id(), was.name(), KIND, MfaStatus.NOT_APPLICABLE, "", facts));
        }
        return factors(was.id(), deadline).map(f -> account(was.id(), was.name(), facts, f));
    }

    private static Account account(String id, String name, Map<String, String> facts, Factors factors) {
        Map<String, String> all = new TreeMap<>(facts);
        if (factors.any()) {
            all.put("factors", String.join(",", factors.activeTypes()));
        }
        if (factors.weak()) {
            all.put("weakMfa", "true");
        }
        return new Account(id, name, KIND, factors.any() ? MfaStatus.ENABLED : MfaStatus.DISABLED, "", all);
    }

    private static Account withRole(Account account, boolean admin) {
        Map<String, String> facts = new TreeMap<>(account.facts());
        if (admin) {
            facts.put("role", "admin");
        } else {
            facts.remove("role");
        }
        return facts.equals(account.facts()) ? account
                : new Account(account.id(), account.name(), account.kind(), account.mfa(), account.scope(), facts);
    }

    /** The user's factors; empty when the user no longer exists. */
    private Optional<Factors> factors(String id, Deadline deadline) throws OktaException, InterruptedException {
        Answer answer = http.get(Endpoint.FACTORS, http.uri("/api/v1/users/" + segment(id) + "/factors"), deadline);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (!answer.ok()) {
            throw http.failure(Endpoint.FACTORS, answer);
        }
        if (!answer.json().isArray()) {
            throw new OktaException(Reason.OTHER, answer.status(), "", "Okta answered " + Endpoint.FACTORS.words
                    + " of user " + id + " with something that is not a JSON array");
        }
        return Optional.of(Factors.of(answer.json()));
    }

    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void requireIds(Iterable<String> ids) throws OktaException {
        for (String id : ids) {
            if (id.isBlank()) {
                throw new OktaException(Reason.OTHER, 200, "", "Okta listed a user without an id in org "
                        + settings.org() + "; the list cannot be read whole");
            }
        }
    }

    private Snapshot snapshot(Instant now, Map<String, Account> accounts, Instant lastFull, Instant cursor, String scan,
                              Optional<String> because, boolean adminsRead, List<Notice> notices) {
        Map<String, String> facts = new TreeMap<>();
        facts.put(LAST_FULL_SCAN, lastFull.toString());
        facts.put(LOG_CURSOR, cursor.toString());
        facts.put(SCAN, scan);
        facts.put(ADMIN_ROLES, adminsRead ? "read" : "not readable");
        because.ifPresent(b -> facts.put(FULL_SCAN_BECAUSE, scrubber.quote(b)));
        return new Snapshot(SERVICE, now, new ArrayList<>(accounts.values()), Map.of(), facts, List.of(), notices);
    }

    @Override
    public String toString() {
        return "OktaMonitor[" + context.instanceId() + ", org " + settings.org() + "]";
    }
}
