package dev.mfamonitor.monitor.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.Snapshot;
import org.kohsuke.github.GHException;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GHMembership;
import org.kohsuke.github.GHOrganization;
import org.kohsuke.github.GHUser;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.HttpException;
import org.kohsuke.github.PagedIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the 2FA status of every member and outside collaborator of one organisation.
 *
 * <p>A <em>full scan</em> lists everyone: the 2FA-disabled lists (first, so that a non-owner token fails before the
 * long listing), the insecure-2FA list, the full member list, the owners and the full outside-collaborator list. It
 * runs on the first run, for {@code check}, when the configuration's coverage changed, and once the last full scan is
 * older than {@code fullScanInterval}.
 *
 * <p>In between, a <em>steady-state</em> scan reads only the organisation and the short lists (2FA disabled, insecure
 * 2FA) and carries the other accounts over from the previous snapshot. An account that left the 2FA-disabled list is
 * never guessed: one membership check says whether it is still a member (then its 2FA is on) or gone. An account seen
 * for the first time gets one membership check for its role. Cost: ceil(D/100) + ceil(C/100) + ceil(W/100) + 1 + k.
 *
 * <p>Accounts are keyed by GitHub's numeric user id, so a rename is not a departure. Requests are strictly serial, as
 * GitHub asks of integrations. Any failed request fails the whole snapshot: a partial list is never returned.
 */
final class GitHubMonitor implements Monitor {
    private static final Logger log = LoggerFactory.getLogger(GitHubMonitor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String SERVICE = "github";
    static final String REQUIREMENT = "organization requires 2FA";
    static final String FACT_ORGANIZATION = "organization";
    static final String FACT_LAST_FULL_SCAN = "lastFullScan";
    static final String FACT_COVERAGE = "coverage";
    static final String FACT_WEAK_MFA = "weakMfa";
    static final String KIND_MEMBER = "member";
    static final String KIND_OUTSIDE = "outside-collaborator";
    static final String ROLE = "role";
    static final String WEAK = "weakMfa";
    static final String OWNERS_ONLY = "Only owners can use this filter.";
    private static final int PAGE_SIZE = 100;
    /**
     * github-api calls GET /user in build() unless it is given a login. The login is never used for anything we call,
     * so a fixed name saves that request on every run.
     */
    private static final String CLIENT_LOGIN = "mfa-monitor";

    private final String monitorId;
    private final GitHubSettings settings;
    private final Clock clock;
    private final HttpClient httpClient;

    GitHubMonitor(String monitorId, GitHubSettings settings, Clock clock) {
        this.monitorId = monitorId;
        this.settings = settings;
        this.clock = clock;
        this.httpClient = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Snapshot snapshot(ScanRequest request) throws Exception {
        Instant started = clock.instant();
        Optional<Snapshot> previous = request.previous();
        boolean full = request.fullScan() || needsFullScan(previous, started);
        Scan scan = new Scan(request.deadline());
        try {
            scan.connect();
            return full ? scan.full(started, previous) : scan.steady(started, previous.orElseThrow());
        } catch (GHException e) {
            throw scan.failure(e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e));
        } catch (IOException e) {
            throw scan.failure(e);
        }
    }

    private boolean needsFullScan(Optional<Snapshot> previous, Instant now) {
        if (previous.isEmpty()) {
            return true;
        }
        Map<String, String> facts = previous.get().facts();
        if (!settings.coverage().equals(facts.get(FACT_COVERAGE))
                || !settings.organization().equalsIgnoreCase(facts.getOrDefault(FACT_ORGANIZATION, ""))) {
            return true;
        }
        try {
            Instant last = Instant.parse(facts.getOrDefault(FACT_LAST_FULL_SCAN, ""));
            return !last.plus(settings.fullScanInterval()).isAfter(now);
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    /** The state of one snapshot: the client bound to this scan's deadline, and what is being read, for messages. */
    private final class Scan {
        private final CapturingConnector connector;
        private final DeadlineBoundedRateLimits limits;
        private GitHub github;
        /** The App's installation token of this run, to redact; null with a personal access token. */
        private Secret installationToken;
        private String reading = "the organization";

        Scan(Instant deadline) {
            String organizationPath = URI.create(settings.endpoint()).getPath() + "/orgs/" + settings.organization();
            this.connector = new CapturingConnector(httpClient, settings.timeout(), organizationPath);
            this.limits = new DeadlineBoundedRateLimits(settings.organization(), deadline, clock);
        }

        /**
         * Builds the client. A GitHub App first exchanges its JWT for an installation token (one POST, plus the
         * installation lookup when {@code installationId} is not configured), through the same connector.
         */
        void connect() throws IOException {
            String token;
            if (settings.auth() instanceof GitHubSettings.App app) {
                reading = "an installation token of GitHub App " + app.appId();
                token = new AppInstallationTokens(app, settings.endpoint(), settings.organization(), connector)
                        .installationToken();
                installationToken = new Secret(token);
                reading = "the organization";
            } else {
                token = ((GitHubSettings.Token) settings.auth()).token().reveal();
            }
            this.github = new GitHubBuilder()
                    .withEndpoint(settings.endpoint())
                    .withOAuthToken(token, CLIENT_LOGIN)
                    .withConnector(connector)
                    .withRateLimitHandler(limits.primary())
                    .withAbuseLimitHandler(limits.secondary())
                    .build();
        }

        Snapshot full(Instant started, Optional<Snapshot> previous) throws IOException {
            GHOrganization org = organization();
            MfaStatus requirement = requirement();
            Map<Long, String> disabled = list("members without 2FA", org.listMembersWithFilter("2fa_disabled"));
            Optional<Map<Long, String>> insecure = insecure(org, previous);
            Map<Long, String> outsideDisabled = settings.outsideCollaborators()
                    ? list("outside collaborators without 2FA", org.listOutsideCollaboratorsWithFilter("2fa_disabled")) : Map.of();
            Map<Long, String> members = list("all members", org.listMembersWithFilter("all"));
            Map<Long, String> owners = list("owners", org.listMembersWithRole("admin"));
            Map<Long, String> outside = settings.outsideCollaborators()
                    ? list("all outside collaborators", org.listOutsideCollaboratorsWithFilter("all")) : Map.of();

            Map<String, Account> accounts = new LinkedHashMap<>();
            // Someone may join between two listings: whoever any list names is an account.
            Map<Long, String> allMembers = union(members, disabled, insecure.orElse(Map.of()), owners);
            allMembers.forEach((id, login) -> accounts.put(Long.toString(id), member(id, login,
                    disabled.containsKey(id) ? MfaStatus.DISABLED : MfaStatus.ENABLED,
                    owners.containsKey(id) ? "admin" : "member", insecure.map(w -> w.containsKey(id)))));
            union(outside, outsideDisabled).forEach((id, login) -> accounts.putIfAbsent(Long.toString(id),
                    outsideCollaborator(id, login, outsideDisabled.containsKey(id) ? MfaStatus.DISABLED : MfaStatus.ENABLED)));
            log.debug("monitor {}: full scan of org {} read {} accounts", monitorId, settings.organization(), accounts.size());
            return snapshot(started, accounts, requirement, started, insecure.isPresent());
        }

        Snapshot steady(Instant started, Snapshot previous) throws IOException {
            GHOrganization org = organization();
            MfaStatus requirement = requirement();
            Map<Long, String> disabled = list("members without 2FA", org.listMembersWithFilter("2fa_disabled"));
            Optional<Map<Long, String>> insecure = insecure(org, Optional.of(previous));
            Map<Long, String> outsideDisabled = settings.outsideCollaborators()
                    ? list("outside collaborators without 2FA", org.listOutsideCollaboratorsWithFilter("2fa_disabled")) : Map.of();

            Map<String, Account> accounts = new LinkedHashMap<>();
            Optional<Map<Long, String>> allOutside = Optional.empty();
            for (Account was : previous.accounts()) {
                long id = Long.parseLong(was.id());
                boolean isMember = was.kind().equals(KIND_MEMBER);
                if (disabled.containsKey(id)) {
                    // On the members' list, whatever it was before (an outside collaborator may have been made a member).
                    // Newly without 2FA: one membership check refreshes the role, so an owner promoted since the last
                    // full scan is alerted as an owner (critical), not as a member.
                    boolean stillDisabled = isMember && was.mfa() == MfaStatus.DISABLED;
                    accounts.put(was.id(), stillDisabled ? rebuild(was, disabled.get(id), MfaStatus.DISABLED, insecure)
                            : newMember(org, id, disabled.get(id), MfaStatus.DISABLED, insecure));
                } else if (outsideDisabled.containsKey(id)) {
                    accounts.put(was.id(), outsideCollaborator(id, outsideDisabled.get(id), MfaStatus.DISABLED));
                } else if (was.mfa() != MfaStatus.DISABLED) {
                    // Not on the short lists and not on them before: unchanged until the next full scan.
                    accounts.put(was.id(), rebuild(was, was.name(), was.mfa(), insecure));
                } else if (isMember) {
                    confirmMember(org, id, was.name(), insecure).ifPresent(a -> accounts.put(a.id(), a));
                } else {
                    // No single-user endpoint for outside collaborators: one listing serves every one that left.
                    if (allOutside.isEmpty()) {
                        allOutside = Optional.of(list("all outside collaborators", org.listOutsideCollaboratorsWithFilter("all")));
                    }
                    String login = allOutside.get().get(id);
                    if (login != null) {
                        accounts.put(was.id(), outsideCollaborator(id, login, MfaStatus.ENABLED));
                    } else {
                        // Gone as a collaborator; it may have been made a member.
                        confirmMember(org, id, was.name(), insecure).ifPresent(a -> accounts.put(a.id(), a));
                    }
                }
            }
            for (Map.Entry<Long, String> entry : disabled.entrySet()) {
                if (!accounts.containsKey(Long.toString(entry.getKey()))) {
                    accounts.put(Long.toString(entry.getKey()), newMember(org, entry.getKey(), entry.getValue(), MfaStatus.DISABLED, insecure));
                }
            }
            for (Map.Entry<Long, String> entry : insecure.orElse(Map.of()).entrySet()) {
                if (!accounts.containsKey(Long.toString(entry.getKey()))) {
                    accounts.put(Long.toString(entry.getKey()), newMember(org, entry.getKey(), entry.getValue(), MfaStatus.ENABLED, insecure));
                }
            }
            for (Map.Entry<Long, String> entry : outsideDisabled.entrySet()) {
                accounts.putIfAbsent(Long.toString(entry.getKey()), outsideCollaborator(entry.getKey(), entry.getValue(), MfaStatus.DISABLED));
            }
            Instant lastFull = Instant.parse(previous.facts().get(FACT_LAST_FULL_SCAN));
            return snapshot(started, accounts, requirement, lastFull, insecure.isPresent());
        }

        private GHOrganization organization() throws IOException {
            reading = "the organization";
            return github.getOrganization(settings.organization());
        }

        /** {@code two_factor_requirement_enabled}: null (not an owner, or no admin:org scope) is unknown, never false. */
        private MfaStatus requirement() throws IOException {
            byte[] body = connector.organizationBody().orElseThrow(() -> new IOException("the organization's settings were not read"));
            JsonNode value = JSON.readTree(body).path("two_factor_requirement_enabled");
            if (value.isBoolean()) {
                return value.booleanValue() ? MfaStatus.ENABLED : MfaStatus.DISABLED;
            }
            log.warn("monitor {}: GitHub does not show org {}'s 2FA requirement to this token (two_factor_requirement_enabled "
                    + "is null): it is reported as unknown. An owner's token with the admin:org scope can see it",
                    monitorId, settings.organization());
            return MfaStatus.UNKNOWN;
        }

        /** The insecure-2FA members, or empty when not watched or when the server does not know the filter. */
        private Optional<Map<Long, String>> insecure(GHOrganization org, Optional<Snapshot> previous) throws IOException {
            if (!settings.weakMfa()) {
                return Optional.empty();
            }
            try {
                return Optional.of(list("members with insecure 2FA", org.listMembersWithFilter("2fa_insecure")));
            } catch (GHException | HttpException e) {
                Throwable cause = e instanceof GHException ? e.getCause() : e;
                if (cause instanceof HttpException http && http.getResponseCode() == 422
                        && !OWNERS_ONLY.equals(githubMessage(http))) {
                    // Older GitHub Enterprise Server does not know this filter. Say so once, not on every run.
                    boolean saidBefore = previous.map(p -> p.facts().containsKey(FACT_WEAK_MFA)).orElse(false);
                    if (!saidBefore) {
                        log.warn("monitor {}: GitHub at {} does not know filter=2fa_insecure ('{}'): weak 2FA (SMS) cannot "
                                + "be flagged for org {}; everything else is watched as usual", monitorId, settings.endpoint(),
                                redact(githubMessage(http)), settings.organization());
                    }
                    return Optional.empty();
                }
                throw e;
            }
        }

        private Optional<Account> confirmMember(GHOrganization org, long id, String login, Optional<Map<Long, String>> insecure)
                throws IOException {
            reading = "the membership of " + login;
            GHMembership membership;
            try {
                membership = org.getMembership(login);
            } catch (GHFileNotFoundException e) {
                return Optional.empty();
            } catch (HttpException e) {
                if (e.getResponseCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
            GHUser user = membership.getUser();
            if (membership.getState() != GHMembership.State.ACTIVE || user == null || user.getId() != id) {
                // Another user holds this login now, or the invitation is pending: the account we knew is not a member.
                return Optional.empty();
            }
            String role = membership.getRole() == GHMembership.Role.ADMIN ? "admin" : "member";
            return Optional.of(member(id, user.getLogin(), MfaStatus.ENABLED, role, insecure.map(w -> w.containsKey(id))));
        }

        private Account newMember(GHOrganization org, long id, String login, MfaStatus mfa, Optional<Map<Long, String>> insecure)
                throws IOException {
            // Its role is not on the filtered list; one membership check learns it, so "owner X" alerts stay right.
            Optional<Account> confirmed = confirmMember(org, id, login, insecure);
            String role = confirmed.map(a -> a.facts().getOrDefault(ROLE, "member")).orElse("member");
            return member(id, login, mfa, role, insecure.map(w -> w.containsKey(id)));
        }

        private Map<Long, String> list(String what, PagedIterable<GHUser> users) {
            reading = what;
            Map<Long, String> result = new TreeMap<>();
            // Only getId()/getLogin(): other getters of a listed user each cost a GET /users/{login}.
            for (GHUser user : users.withPageSize(PAGE_SIZE)) {
                result.put(user.getId(), user.getLogin());
            }
            return result;
        }

        private Snapshot snapshot(Instant observedAt, Map<String, Account> accounts, MfaStatus requirement,
                                  Instant lastFullScan, boolean weakKnown) {
            Map<String, String> facts = new TreeMap<>();
            facts.put(FACT_ORGANIZATION, settings.organization());
            facts.put(FACT_LAST_FULL_SCAN, lastFullScan.toString());
            facts.put(FACT_COVERAGE, settings.coverage());
            if (settings.weakMfa() && !weakKnown) {
                facts.put(FACT_WEAK_MFA, "not supported by this server (filter=2fa_insecure unknown)");
            }
            return new Snapshot(SERVICE, observedAt, new ArrayList<>(accounts.values()), Map.of(REQUIREMENT, requirement),
                    facts, List.of());
        }

        /** A message for people: what GitHub said, for which org, while reading what, and what to do. No secret. */
        Exception failure(IOException e) {
            String org = settings.organization();
            String message;
            Optional<Throwable> pastDeadline = causeOfType(e, DeadlineBoundedRateLimits.RateLimitedPastDeadline.class);
            Optional<Throwable> appFailed = causeOfType(e, AppInstallationTokens.AppAuthenticationFailed.class);
            if (appFailed.isPresent()) {
                message = appFailed.get().getMessage();
            } else if (pastDeadline.isPresent()) {
                // github-api wraps what a rate-limit handler throws in an HttpException of the limited response.
                message = pastDeadline.get().getMessage();
            } else if (causeOfType(e, InterruptedIOException.class).isPresent()) {
                message = "interrupted at the deadline while reading " + reading + " of org " + org + " from GitHub";
            } else if (e instanceof HttpException http && http.getResponseCode() > 0) {
                int code = http.getResponseCode();
                String said = githubMessage(http);
                String head = "GitHub answered " + code + " '" + said + "' for org " + org;
                if (code == 422 && OWNERS_ONLY.equals(said) && installationToken != null) {
                    message = head + ": GitHub App " + appId() + " needs the organization permission \"Members: read\" "
                            + "(and \"Administration: read\" for the 2FA requirement), accepted on its installation on " + org;
                } else if (code == 422 && OWNERS_ONLY.equals(said)) {
                    message = head + ": the token's user must be an owner of " + org + " (a classic token also needs the "
                            + "read:org scope, admin:org to see the 2FA requirement)";
                } else if (code == 401 && installationToken != null) {
                    message = head + ": GitHub did not accept the installation token of GitHub App " + appId()
                            + " it had just issued; the next run gets a new one";
                } else if (code == 401) {
                    message = head + ": the token is wrong, expired or revoked; replace it";
                } else if (code == 404 && reading.equals("the organization")) {
                    message = head + ": there is no organization " + org + " at " + settings.endpoint()
                            + ", or the token cannot see it";
                } else if ((code == 403 || code == 429) && said.toLowerCase(java.util.Locale.ROOT).contains("secondary rate limit")) {
                    message = head + " while reading " + reading + ": a secondary rate limit without retry-after; GitHub "
                            + "asks to wait at least a minute. The next run tries again";
                } else {
                    message = head + " while reading " + reading + ": the snapshot is not taken (never a partial list); "
                            + "the next run tries again";
                }
            } else if (e instanceof GHFileNotFoundException && reading.equals("the organization")) {
                message = "GitHub answered 404 for org " + org + ": there is no organization " + org + " at "
                        + settings.endpoint() + ", or the token cannot see it";
            } else {
                message = "could not read " + reading + " of org " + org + " from GitHub at " + settings.endpoint() + ": "
                        + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            String safe = redact(message);
            if (installationToken != null) {
                safe = installationToken.redact(safe);
            }
            GitHubMonitorException failure = new GitHubMonitorException(safe);
            // Keep where it failed, without the foreign message, which may quote a request or response.
            failure.setStackTrace(e.getStackTrace());
            return failure;
        }
    }

    private Account member(long id, String login, MfaStatus mfa, String role, Optional<Boolean> weak) {
        Map<String, String> facts = new TreeMap<>();
        facts.put(ROLE, role);
        if (weak.orElse(false)) {
            facts.put(WEAK, "true");
        }
        return new Account(Long.toString(id), login, KIND_MEMBER, mfa, "", facts);
    }

    private static Account outsideCollaborator(long id, String login, MfaStatus mfa) {
        return new Account(Long.toString(id), login, KIND_OUTSIDE, mfa, "", Map.of());
    }

    /** The same account under its current login and status; its weak-2FA flag follows the current insecure list. */
    private Account rebuild(Account was, String login, MfaStatus mfa, Optional<Map<Long, String>> insecure) {
        if (!was.kind().equals(KIND_MEMBER)) {
            return outsideCollaborator(Long.parseLong(was.id()), login, mfa);
        }
        return member(Long.parseLong(was.id()), login, mfa, was.facts().getOrDefault(ROLE, "member"),
                insecure.map(w -> mfa != MfaStatus.DISABLED && w.containsKey(Long.parseLong(was.id()))));
    }

    @SafeVarargs
    private static Map<Long, String> union(Map<Long, String>... maps) {
        Map<Long, String> all = new TreeMap<>();
        for (Map<Long, String> map : maps) {
            map.forEach(all::putIfAbsent);
        }
        return all;
    }

    private static Optional<Throwable> causeOfType(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static String githubMessage(HttpException e) {
        String raw = e.getMessage() == null ? "" : e.getMessage();
        try {
            JsonNode node = JSON.readTree(raw);
            if (node != null && node.path("message").isTextual()) {
                return node.path("message").asText();
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        return raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
    }

    private String redact(String text) {
        return settings.redact(text);
    }

    private long appId() {
        return settings.auth() instanceof GitHubSettings.App app ? app.appId() : 0;
    }

    @Override
    public void close() {
        // java.net.http's client has no close() before Java 21; its threads are daemons and end with the process.
    }

    /** The snapshot failed; the message is for people and holds no secret. */
    static final class GitHubMonitorException extends Exception {
        private static final long serialVersionUID = 1L;

        GitHubMonitorException(String message) {
            super(message);
        }
    }
}
