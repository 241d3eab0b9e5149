package dev.mfamonitor.monitor.entra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.monitor.entra.EntraException.Reason;
import dev.mfamonitor.monitor.entra.GraphClient.Endpoint;
import dev.mfamonitor.monitor.entra.Rows.ReportRow;
import dev.mfamonitor.monitor.entra.Rows.UserRow;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The MFA status of every user of one Entra ID tenant, from Graph's authentication methods registration report joined
 * with {@code /users}, and the tenant's two MFA requirements.
 *
 * <p>A full scan reads every page of both; in between (at most {@code fullScanInterval} apart) a scan reads only the
 * report's users without MFA ({@code $filter=isMfaRegistered eq false}) and the disabled users, and looks up each
 * account that left either list, building on the previous snapshot for the rest.
 */
final class EntraMonitor implements Monitor {
    private static final Logger log = LoggerFactory.getLogger(EntraMonitor.class);

    static final String SERVICE = "entra";
    /** The tenant requirement "security defaults enabled". */
    static final String SECURITY_DEFAULTS = "security defaults enabled";
    /** The tenant requirement "a Conditional Access policy requires MFA for all users". */
    static final String CONDITIONAL_ACCESS = "a Conditional Access policy requires MFA for all users";
    /** Snapshot fact: when the last full scan read everything (ISO-8601). */
    static final String LAST_FULL_SCAN = "lastFullScan";
    /** Snapshot fact: the {@code mfaField} the statuses were read with. */
    static final String MFA_FIELD = "mfaField";
    static final String SCAN = "scan";
    static final String REQUIREMENTS_UNKNOWN = "requirementsUnknown";
    static final String MFA_POLICY = "mfaPolicy";
    /** Snapshot fact: how many report pages the last full scan read, to judge when lookups would cost more. */
    static final String REPORT_PAGES = "reportPages";

    private static final String REPORT = "reports/authenticationMethods/userRegistrationDetails";
    private static final String USER_FIELDS = "id,userPrincipalName,accountEnabled,userType";

    private final EntraSettings settings;
    private final PluginContext context;
    private final GraphClient graph;
    private volatile boolean requirementsWarned;

    EntraMonitor(EntraSettings settings, PluginContext context) {
        this(settings, context, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)));
    }

    EntraMonitor(EntraSettings settings, PluginContext context, Backoff backoff) {
        this.settings = settings;
        this.context = context;
        this.graph = new GraphClient(settings, context, backoff);
    }

    /** Graph requests sent so far (retries included), for budgets. */
    long graphRequests() {
        return graph.requests();
    }

    /** Token requests sent so far. */
    long tokenRequests() {
        return graph.tokenRequests();
    }

    @Override
    public Snapshot snapshot(ScanRequest request) throws EntraException, InterruptedException {
        Instant now = context.clock().instant();
        Optional<Snapshot> previous = request.previous();
        if (request.fullScan() || previous.isEmpty() || fullScanDue(previous.get(), now)) {
            return full(request, now);
        }
        return changes(request, previous.get(), now);
    }

    private boolean fullScanDue(Snapshot previous, Instant now) {
        if (!settings.mfaField().configName().equals(previous.facts().get(MFA_FIELD))) {
            return true;
        }
        String last = previous.facts().get(LAST_FULL_SCAN);
        if (last == null) {
            return true;
        }
        try {
            Instant at = Instant.parse(last);
            // A clock that went back (at in the future) must not postpone the full scan for ever.
            return at.isAfter(now) || !now.isBefore(at.plus(settings.fullScanInterval()));
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    /** Every page of the report and of {@code /users}, joined. */
    private Snapshot full(ScanRequest request, Instant now) throws EntraException, InterruptedException {
        Deadline deadline = request.deadline();
        Map<String, ReportRow> report = new LinkedHashMap<>();
        int reportPages = graph.forEachPage(Endpoint.REPORT, graph.uri(REPORT), deadline, node -> {
            ReportRow row = ReportRow.of(node);
            report.put(row.id(), row);
        }, () -> request.progress().read(report.size(), "report rows"));
        Map<String, UserRow> users = new LinkedHashMap<>();
        graph.forEachPage(Endpoint.USERS, graph.uri("users", "$select", USER_FIELDS, "$top", "999"), deadline, node -> {
            UserRow row = UserRow.of(node);
            users.put(row.id(), row);
        }, () -> request.progress().read(users.size(), "users"));
        requireIds(report.keySet(), Endpoint.REPORT);
        requireIds(users.keySet(), Endpoint.USERS);

        List<Account> accounts = new ArrayList<>(Math.max(report.size(), users.size()));
        for (ReportRow row : report.values()) {
            accounts.add(join(Optional.of(row), Optional.ofNullable(users.get(row.id()))));
        }
        for (UserRow user : users.values()) {
            if (!report.containsKey(user.id())) {
                accounts.add(join(Optional.empty(), Optional.of(user)));
            }
        }
        return snapshot(now, accounts, now, "full", reportPages, deadline);
    }

    /**
     * Only what can have changed since {@code previous}: the report's users without MFA, the disabled users, and one
     * lookup for each account that left one of those lists (or newly joined the first).
     */
    private Snapshot changes(ScanRequest request, Snapshot previous, Instant now) throws EntraException, InterruptedException {
        Deadline deadline = request.deadline();
        Map<String, Account> before = new LinkedHashMap<>();
        previous.accounts().forEach(a -> before.put(a.id(), a));

        Map<String, ReportRow> withoutMfa = new LinkedHashMap<>();
        String filter = settings.mfaField().field() + " eq false";
        graph.forEachPage(Endpoint.REPORT, graph.uri(REPORT, "$filter", filter), deadline, node -> {
            ReportRow row = ReportRow.of(node);
            withoutMfa.put(row.id(), row);
        }, () -> request.progress().read(withoutMfa.size(), "report rows"));
        Map<String, UserRow> disabled = new LinkedHashMap<>();
        graph.forEachPage(Endpoint.USERS, graph.uri("users", "$filter", "accountEnabled eq false", "$select", USER_FIELDS,
                "$top", "999"), deadline, node -> {
                    UserRow row = UserRow.of(node);
                    disabled.put(row.id(), row);
                }, () -> request.progress().read(disabled.size(), "users"));
        requireIds(withoutMfa.keySet(), Endpoint.REPORT);
        requireIds(disabled.keySet(), Endpoint.USERS);

        Map<String, Account> after = new LinkedHashMap<>();
        for (ReportRow row : withoutMfa.values()) {
            UserRow user = disabled.get(row.id());
            Account was = before.get(row.id());
            if (user == null && (was == null || was.mfa() != MfaStatus.DISABLED)) {
                // New to the list (a new user, or one who lost MFA or was re-enabled): confirm the account in /users.
                user = lookupUser(row.id(), deadline).orElse(null);
                after.put(row.id(), join(Optional.of(row), Optional.ofNullable(user)));
            } else if (user == null) {
                after.put(row.id(), join(Optional.of(row), Optional.of(enabled(row))));
            } else {
                after.put(row.id(), join(Optional.of(row), Optional.of(user)));
            }
        }
        for (UserRow user : disabled.values()) {
            if (!after.containsKey(user.id())) {
                Account was = before.get(user.id());
                after.put(user.id(), was != null && was.mfa() == MfaStatus.NOT_APPLICABLE ? was
                        : join(Optional.empty(), Optional.of(user)));
            }
        }
        List<Account> leavers = new ArrayList<>();
        for (Account was : previous.accounts()) {
            if (!after.containsKey(was.id()) && was.mfa() != MfaStatus.ENABLED) {
                leavers.add(was);
            }
        }
        int fullReportPages = pages(previous);
        if (leavers.size() > fullReportPages) {
            // A lookup costs a report request as a page does (the same throttling limit): when more left the lists
            // than the whole report has pages (an MFA roll-out), reading everything is cheaper.
            return full(request, now);
        }
        for (Account was : previous.accounts()) {
            if (after.containsKey(was.id())) {
                continue;
            }
            if (was.mfa() == MfaStatus.ENABLED) {
                // Not among those without MFA, not disabled: still enabled. Its facts wait for the next full scan.
                after.put(was.id(), was);
                continue;
            }
            // Left the list it was on: one lookup says why (MFA registered, re-enabled, deleted).
            Optional<ReportRow> row = lookupReportRow(was.id(), deadline);
            Optional<UserRow> user;
            if (row.isPresent() && was.mfa() != MfaStatus.UNKNOWN) {
                user = Optional.of(enabled(row.get()));
            } else {
                user = lookupUser(was.id(), deadline);
            }
            if (row.isEmpty() && user.isEmpty()) {
                continue; // deleted: gone from both
            }
            after.put(was.id(), join(row, user));
        }
        String lastFull = previous.facts().getOrDefault(LAST_FULL_SCAN, now.toString());
        return snapshot(now, new ArrayList<>(after.values()), Instant.parse(lastFull), "changes", fullReportPages, deadline);
    }

    /** A user known not to be in the disabled list: enabled, as the report row names it. */
    private static UserRow enabled(ReportRow row) {
        return new UserRow(row.id(), row.userPrincipalName(), row.userType(), Optional.of(true));
    }

    private Optional<UserRow> lookupUser(String id, Deadline deadline) throws EntraException, InterruptedException {
        URI uri = graph.uri("users/" + pathSegment(id), "$select", USER_FIELDS);
        return graph.get(Endpoint.USERS, uri, deadline).map(UserRow::of);
    }

    private Optional<ReportRow> lookupReportRow(String id, Deadline deadline) throws EntraException, InterruptedException {
        return graph.get(Endpoint.REPORT, graph.uri(REPORT + "/" + pathSegment(id)), deadline).map(ReportRow::of);
    }

    private static String pathSegment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void requireIds(Iterable<String> ids, Endpoint endpoint) throws EntraException {
        for (String id : ids) {
            if (id.isBlank()) {
                throw new EntraException(Reason.OTHER, 200, "", "Graph listed an object without an id in "
                        + endpoint.words + " for tenant " + settings.tenantId());
            }
        }
    }

    /**
     * One account from what the report and {@code /users} say of it. {@code accountEnabled: false} wins; a row that
     * only one of them has is {@code UNKNOWN}, never guessed.
     */
    private Account join(Optional<ReportRow> row, Optional<UserRow> user) {
        String id = row.map(ReportRow::id).orElseGet(() -> user.orElseThrow().id());
        String name = row.map(ReportRow::userPrincipalName).filter(n -> !n.isBlank())
                .or(() -> user.map(UserRow::userPrincipalName).filter(n -> !n.isBlank())).orElse(id);
        String kind = Rows.kind(row.map(ReportRow::userType).orElse(null), user.map(UserRow::userType).orElse(null));
        Map<String, String> facts = new TreeMap<>();
        if (row.isPresent() && row.get().isAdmin()) {
            facts.put("role", "admin");
        }
        MfaStatus status;
        if (user.isPresent() && user.get().disabled()) {
            status = MfaStatus.NOT_APPLICABLE;
            facts.put("accountEnabled", "false");
        } else if (user.isEmpty()) {
            status = MfaStatus.UNKNOWN;
            facts.put("unknownBecause", "in the registration report but not in /users");
        } else if (row.isEmpty()) {
            status = MfaStatus.UNKNOWN;
            facts.put("unknownBecause", "an enabled user missing from the registration report");
        } else {
            Optional<Boolean> mfa = row.get().mfa(settings.mfaField());
            if (mfa.isEmpty()) {
                status = MfaStatus.UNKNOWN;
                facts.put("unknownBecause", "the report row has no " + settings.mfaField().field());
            } else if (mfa.get()) {
                status = MfaStatus.ENABLED;
                if (row.get().weak()) {
                    facts.put("weakMfa", "true");
                    facts.put("methods", String.join(",", row.get().methods()));
                }
            } else {
                status = MfaStatus.DISABLED;
            }
        }
        return new Account(id, name, kind, status, "", facts);
    }

    /** The report pages of the last full scan; when unknown, as many as 100 rows a page would make. */
    private static int pages(Snapshot previous) {
        try {
            return Integer.parseInt(previous.facts().getOrDefault(REPORT_PAGES, ""));
        } catch (NumberFormatException e) {
            return Math.max(1, (previous.accounts().size() + 99) / 100);
        }
    }

    private Snapshot snapshot(Instant now, List<Account> accounts, Instant lastFullScan, String scan, int reportPages,
                              Deadline deadline) throws EntraException, InterruptedException {
        Map<String, String> facts = new TreeMap<>();
        facts.put(REPORT_PAGES, Integer.toString(reportPages));
        facts.put(LAST_FULL_SCAN, lastFullScan.toString());
        facts.put(MFA_FIELD, settings.mfaField().configName());
        facts.put(SCAN, scan);
        Map<String, MfaStatus> requirements = new TreeMap<>();
        Requirements.read(graph, deadline, requirements, facts, this::warnOnce);
        return new Snapshot(SERVICE, now, accounts, requirements, facts, List.of());
    }

    /** Missing Policy.Read.All is said once per monitor, not on every run of a daemon. */
    private void warnOnce(String message) {
        if (!requirementsWarned) {
            requirementsWarned = true;
            log.warn("monitor '{}': {}", context.instanceId(), message);
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
