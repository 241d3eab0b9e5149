package dev.mfamonitor.monitor.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the 2FA status of every member and outside collaborator of one organisation.
 *
 * <p>A <em>full scan</em> lists everyone: the 2FA-disabled lists (first, so that a non-owner token fails before the
 * long listing), the insecure-2FA lists, the full member list, the owners and the full outside-collaborator list. It
 * runs on the first run, for {@code check}, when the configuration's coverage changed, and once the last full scan is
 * older than {@code fullScanInterval}.
 *
 * <p>In between, a <em>steady-state</em> scan reads only the organisation and the short lists (2FA disabled, insecure
 * 2FA) and carries the other accounts over from the previous snapshot. An account that left the 2FA-disabled list is
 * never guessed: one membership check says whether it is still a member (then its 2FA is on) or gone. An account seen
 * for the first time gets one membership check for its role. Cost: ceil(D/100) + ceil(C/100) + ceil(W/100) +
 * ceil(Wc/100) + 1 + k.
 *
 * <p>Accounts are keyed by GitHub's numeric user id, so a rename is not a departure. Requests are strictly serial, as
 * GitHub asks of integrations (see {@link GitHubApi}). Any failed request fails the whole snapshot: a partial list is
 * never returned.
 *
 * <p>Weak 2FA is a fact ({@code weakMfa=true}) from {@code filter=2fa_insecure}. When the server cannot say (it does
 * not know the filter, or ignores it and lists accounts that are also without 2FA, which is impossible), weak 2FA is
 * unknown for that run: each account keeps the flag it had, so that a flaky answer never raises "Weak MFA" again for
 * the same people.
 */
final class GitHubMonitor implements Monitor {
    private static final Logger log = LoggerFactory.getLogger(GitHubMonitor.class);

    static final String SERVICE = "github";
    static final String REQUIREMENT = "organization requires 2FA";
    static final String FACT_ORGANIZATION = "organization";
    static final String FACT_LAST_FULL_SCAN = "lastFullScan";
    static final String FACT_COVERAGE = "coverage";
    static final String FACT_WEAK_MFA = "weakMfa";
    static final String FACT_OUTSIDE_WEAK_MFA = "outsideCollaboratorsWeakMfa";
    static final String KIND_MEMBER = "member";
    static final String KIND_OUTSIDE = "outside-collaborator";
    static final String ROLE = "role";
    static final String WEAK = "weakMfa";
    static final String OWNERS_ONLY = "Only owners can use this filter.";

    private final GitHubSettings settings;
    private final PluginContext context;
    private final Redaction redaction;
    private final HttpClient httpClient;

    GitHubMonitor(GitHubSettings settings, PluginContext context) {
        this.settings = settings;
        this.context = context;
        this.redaction = new Redaction(context.redactor());
        settings.secretValues().forEach(redaction::add);
        this.httpClient = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Snapshot snapshot(ScanRequest request) throws Exception {
        Instant started = context.clock().instant();
        Optional<Snapshot> previous = request.previous();
        boolean full = request.fullScan() || needsFullScan(previous, started);
        Scan scan = new Scan(new GitHubApi(settings.endpointUri(), settings.organization(), settings.timeout(), httpClient,
                context, redaction, request.deadline(), request.progress()));
        try {
            scan.connect(started);
            return full ? scan.full(started, previous) : scan.steady(started, previous.orElseThrow());
        } catch (GitHubApi.ErrorAnswer e) {
            throw new GitHubMonitorException(redaction.redact(scan.explain(e)));
        } catch (GitHubApi.Failure e) {
            throw new GitHubMonitorException(redaction.redact(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubMonitorException("interrupted at the deadline while reading " + scan.reading + " of org "
                    + settings.organization() + " from GitHub");
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

    /**
     * What the insecure-2FA list of one kind of account said: the ids, or, when unknown, why (then every account keeps
     * the flag it had).
     */
    private record Weak(Optional<Map<Long, String>> ids, Optional<String> unknownBecause) {
        static final Weak NOT_WATCHED = new Weak(Optional.of(Map.of()), Optional.empty());

        static Weak unknown(String why) {
            return new Weak(Optional.empty(), Optional.of(why));
        }

        Map<Long, String> listed() {
            return ids.orElse(Map.of());
        }

        /** Whether the account is weak now: on the list, or, when the list is unknown, as it was. */
        boolean of(long id, MfaStatus mfa, Account was) {
            if (mfa == MfaStatus.DISABLED) {
                return false;
            }
            return ids.map(list -> list.containsKey(id))
                    .orElse(was != null && was.mfa() != MfaStatus.DISABLED && "true".equals(was.facts().get(WEAK)));
        }
    }

    /** One snapshot's reads: the API bound to this scan's deadline, and what is being read, for messages. */
    private final class Scan {
        private final GitHubApi api;
        private final String base = "/orgs/" + settings.organization();
        private volatile String reading = "the organization";

        Scan(GitHubApi api) {
            this.api = api;
        }

        /** Authenticates: the token, or a GitHub App's fresh installation token. */
        void connect(Instant now) throws GitHubApi.Failure, InterruptedException {
            if (settings.auth() instanceof GitHubSettings.App app) {
                reading = "an installation token of GitHub App " + app.appId();
                String token = new AppInstallationTokens(app, settings.organization(), api, redaction).installationToken(now);
                api.authorize("token " + token);
            } else {
                api.authorize("token " + ((GitHubSettings.Token) settings.auth()).token().reveal());
            }
        }

        Snapshot full(Instant started, Optional<Snapshot> previous) throws GitHubApi.Failure, InterruptedException {
            MfaStatus requirement = requirement();
            Map<String, Account> before = previous.map(p -> p.accounts().stream()
                    .collect(Collectors.toMap(Account::id, Function.identity(), (a, b) -> a))).orElse(Map.of());
            Map<Long, String> disabled = users("members without 2FA", "/members?filter=2fa_disabled");
            Weak insecure = insecure("members", "/members", disabled, previous, FACT_WEAK_MFA);
            Map<Long, String> outsideDisabled = settings.outsideCollaborators()
                    ? users("outside collaborators without 2FA", "/outside_collaborators?filter=2fa_disabled") : Map.of();
            Weak outsideInsecure = settings.outsideCollaborators()
                    ? insecure("outside collaborators", "/outside_collaborators", outsideDisabled, previous, FACT_OUTSIDE_WEAK_MFA)
                    : Weak.NOT_WATCHED;
            Map<Long, String> members = users("all members", "/members?filter=all");
            Map<Long, String> owners = users("owners", "/members?role=admin");
            Map<Long, String> outside = settings.outsideCollaborators()
                    ? users("all outside collaborators", "/outside_collaborators?filter=all") : Map.of();

            Map<String, Account> accounts = new LinkedHashMap<>();
            // Someone may join between two listings: whoever any list names is an account.
            union(members, disabled, insecure.listed(), owners).forEach((id, login) -> {
                MfaStatus mfa = disabled.containsKey(id) ? MfaStatus.DISABLED : MfaStatus.ENABLED;
                accounts.put(Long.toString(id), member(id, login, mfa, owners.containsKey(id) ? "admin" : "member",
                        insecure.of(id, mfa, before.get(Long.toString(id)))));
            });
            union(outside, outsideDisabled, outsideInsecure.listed()).forEach((id, login) -> {
                MfaStatus mfa = outsideDisabled.containsKey(id) ? MfaStatus.DISABLED : MfaStatus.ENABLED;
                accounts.putIfAbsent(Long.toString(id), outsideCollaborator(id, login, mfa,
                        outsideInsecure.of(id, mfa, before.get(Long.toString(id)))));
            });
            log.debug("monitor {}: full scan of org {} read {} accounts", context.instanceId(), settings.organization(),
                    accounts.size());
            return snapshot(started, accounts, requirement, started, insecure, outsideInsecure);
        }

        Snapshot steady(Instant started, Snapshot previous) throws GitHubApi.Failure, InterruptedException {
            MfaStatus requirement = requirement();
            Map<Long, String> disabled = users("members without 2FA", "/members?filter=2fa_disabled");
            Weak insecure = insecure("members", "/members", disabled, Optional.of(previous), FACT_WEAK_MFA);
            Map<Long, String> outsideDisabled = settings.outsideCollaborators()
                    ? users("outside collaborators without 2FA", "/outside_collaborators?filter=2fa_disabled") : Map.of();
            Weak outsideInsecure = settings.outsideCollaborators()
                    ? insecure("outside collaborators", "/outside_collaborators", outsideDisabled, Optional.of(previous),
                    FACT_OUTSIDE_WEAK_MFA)
                    : Weak.NOT_WATCHED;

            Map<String, Account> accounts = new LinkedHashMap<>();
            Map<String, Account> before = new LinkedHashMap<>();
            Optional<Map<Long, String>> allOutside = Optional.empty();
            for (Account was : previous.accounts()) {
                before.put(was.id(), was);
                long id = Long.parseLong(was.id());
                boolean isMember = was.kind().equals(KIND_MEMBER);
                if (disabled.containsKey(id)) {
                    // On the members' list, whatever it was before (an outside collaborator may have been made a member).
                    // Newly without 2FA: one membership check refreshes the role, so an owner promoted since the last
                    // full scan is alerted as an owner (critical), not as a member.
                    boolean stillDisabled = isMember && was.mfa() == MfaStatus.DISABLED;
                    accounts.put(was.id(), stillDisabled
                            ? member(id, disabled.get(id), MfaStatus.DISABLED, role(was), false)
                            : newMember(id, disabled.get(id), MfaStatus.DISABLED, false));
                } else if (outsideDisabled.containsKey(id)) {
                    accounts.put(was.id(), outsideCollaborator(id, outsideDisabled.get(id), MfaStatus.DISABLED, false));
                } else if (was.mfa() != MfaStatus.DISABLED) {
                    // Not on the short lists and not on them before: unchanged until the next full scan.
                    Weak weak = isMember ? insecure : outsideInsecure;
                    boolean flagged = weak.of(id, was.mfa(), was);
                    accounts.put(was.id(), isMember ? member(id, was.name(), was.mfa(), role(was), flagged)
                            : outsideCollaborator(id, was.name(), was.mfa(), flagged));
                } else if (isMember) {
                    confirmMember(id, was.name(), insecure, was).ifPresent(a -> accounts.put(a.id(), a));
                } else {
                    // No single-user endpoint for outside collaborators: one listing serves every one that left.
                    if (allOutside.isEmpty()) {
                        allOutside = Optional.of(users("all outside collaborators", "/outside_collaborators?filter=all"));
                    }
                    String login = allOutside.get().get(id);
                    if (login != null) {
                        accounts.put(was.id(), outsideCollaborator(id, login, MfaStatus.ENABLED,
                                outsideInsecure.of(id, MfaStatus.ENABLED, was)));
                    } else {
                        // Gone as a collaborator; it may have been made a member.
                        confirmMember(id, was.name(), insecure, was).ifPresent(a -> accounts.put(a.id(), a));
                    }
                }
            }
            for (Map.Entry<Long, String> entry : disabled.entrySet()) {
                if (!accounts.containsKey(Long.toString(entry.getKey()))) {
                    accounts.put(Long.toString(entry.getKey()), newMember(entry.getKey(), entry.getValue(), MfaStatus.DISABLED, false));
                }
            }
            for (Map.Entry<Long, String> entry : insecure.listed().entrySet()) {
                Account known = accounts.get(Long.toString(entry.getKey()));
                if (known == null || !known.kind().equals(KIND_MEMBER)) {
                    accounts.put(Long.toString(entry.getKey()), newMember(entry.getKey(), entry.getValue(), MfaStatus.ENABLED, true));
                }
            }
            for (Map.Entry<Long, String> entry : outsideDisabled.entrySet()) {
                accounts.putIfAbsent(Long.toString(entry.getKey()),
                        outsideCollaborator(entry.getKey(), entry.getValue(), MfaStatus.DISABLED, false));
            }
            for (Map.Entry<Long, String> entry : outsideInsecure.listed().entrySet()) {
                Account known = accounts.get(Long.toString(entry.getKey()));
                if (known == null || !known.kind().equals(KIND_OUTSIDE)) {
                    accounts.put(Long.toString(entry.getKey()),
                            outsideCollaborator(entry.getKey(), entry.getValue(), MfaStatus.ENABLED, true));
                }
            }
            Instant lastFull = Instant.parse(previous.facts().get(FACT_LAST_FULL_SCAN));
            return snapshot(started, accounts, requirement, lastFull, insecure, outsideInsecure);
        }

        /** GET /orgs/{org}: {@code two_factor_requirement_enabled} null (not an owner, no admin:org) is unknown, never false. */
        private MfaStatus requirement() throws GitHubApi.Failure, InterruptedException {
            reading = "the organization";
            JsonNode org = api.get(base, reading);
            JsonNode value = org.path("two_factor_requirement_enabled");
            if (value.isBoolean()) {
                return value.booleanValue() ? MfaStatus.ENABLED : MfaStatus.DISABLED;
            }
            log.warn("monitor {}: GitHub does not show org {}'s 2FA requirement to this token (two_factor_requirement_enabled "
                            + "is null): it is reported as unknown. An owner's token with the admin:org scope can see it",
                    context.instanceId(), settings.organization());
            return MfaStatus.UNKNOWN;
        }

        /**
         * The insecure-2FA list of members or outside collaborators. Unknown when the server does not know the filter
         * (older GitHub Enterprise Server answers 422 about the field {@code filter}) or ignores it (it lists accounts
         * that are also without 2FA). Any other failure fails the snapshot.
         */
        private Weak insecure(String who, String path, Map<Long, String> disabled, Optional<Snapshot> previous, String fact)
                throws GitHubApi.Failure, InterruptedException {
            if (!settings.weakMfa()) {
                return Weak.NOT_WATCHED;
            }
            boolean saidBefore = previous.map(p -> p.facts().containsKey(fact)).orElse(false);
            Map<Long, String> listed;
            try {
                listed = users(who + " with insecure 2FA", path + "?filter=2fa_insecure");
            } catch (GitHubApi.ErrorAnswer e) {
                if (e.status() == 422 && !OWNERS_ONLY.equals(e.said()) && aboutFilter(e.body())) {
                    if (!saidBefore) {
                        log.warn("monitor {}: GitHub at {} does not know filter=2fa_insecure for {} ('{}'): weak 2FA (SMS) "
                                        + "cannot be told for org {}, each account keeps the flag it had; everything else is "
                                        + "watched as usual", context.instanceId(), settings.endpoint(), who, e.said(),
                                settings.organization());
                    }
                    return Weak.unknown("not supported by this server (filter=2fa_insecure unknown)");
                }
                throw e;
            }
            List<String> both = listed.keySet().stream().filter(disabled::containsKey).limit(3)
                    .map(listed::get).toList();
            if (!both.isEmpty()) {
                // An account cannot be without 2FA and have an insecure second factor: the server ignored the filter.
                if (!saidBefore) {
                    log.warn("monitor {}: GitHub at {} answered filter=2fa_insecure for {} of org {} with accounts that are "
                                    + "also without 2FA ({}{}): it ignores the filter, so weak 2FA is unknown and each account "
                                    + "keeps the flag it had", context.instanceId(), settings.endpoint(), who,
                            settings.organization(), String.join(", ", both), both.size() == 3 ? ", ..." : "");
                }
                return Weak.unknown("unknown: the server ignores filter=2fa_insecure (it listed accounts without 2FA)");
            }
            return new Weak(Optional.of(listed), Optional.empty());
        }

        private boolean aboutFilter(JsonNode body) {
            for (JsonNode error : body.path("errors")) {
                if ("filter".equals(error.path("field").asText())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * GET /orgs/{org}/memberships/{login}: the member with its role as GitHub writes it ({@code admin},
         * {@code member}, {@code billing_manager}, whatever GitHub adds), or empty when it is not an active member.
         */
        private Optional<Account> confirmMember(long id, String login, Weak insecure, Account was)
                throws GitHubApi.Failure, InterruptedException {
            reading = "the membership of " + login;
            JsonNode membership;
            try {
                membership = api.get(base + "/memberships/" + login, reading);
            } catch (GitHubApi.ErrorAnswer e) {
                if (e.status() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
            JsonNode user = membership.path("user");
            if (!"active".equals(membership.path("state").asText()) || !user.path("id").canConvertToLong()
                    || user.path("id").asLong() != id) {
                // Another user holds this login now, or the invitation is pending: the account we knew is not a member.
                return Optional.empty();
            }
            String role = membership.path("role").asText("member").trim().toLowerCase(Locale.ROOT);
            return Optional.of(member(id, user.path("login").asText(login), MfaStatus.ENABLED, role.isEmpty() ? "member" : role,
                    insecure.of(id, MfaStatus.ENABLED, was)));
        }

        private Account newMember(long id, String login, MfaStatus mfa, boolean weak)
                throws GitHubApi.Failure, InterruptedException {
            // Its role is not on the filtered list; one membership check learns it, so "owner X" alerts stay right.
            Optional<Account> confirmed = confirmMember(id, login, Weak.NOT_WATCHED, null);
            String role = confirmed.map(GitHubMonitor::role).orElse("member");
            return member(id, login, mfa, role, weak);
        }

        /** A list of users, id to login. */
        private Map<Long, String> users(String what, String pathAndQuery) throws GitHubApi.Failure, InterruptedException {
            reading = what;
            Map<Long, String> result = new TreeMap<>();
            for (JsonNode user : api.list(base + pathAndQuery, what)) {
                JsonNode id = user.path("id");
                if (!id.canConvertToLong() || !user.path("login").isTextual()) {
                    throw new GitHubApi.Failure("GitHub listed " + what + " of org " + settings.organization()
                            + " with an entry without a numeric id and a login; the snapshot is not taken");
                }
                result.put(id.asLong(), user.path("login").asText());
            }
            return result;
        }

        private Snapshot snapshot(Instant observedAt, Map<String, Account> accounts, MfaStatus requirement,
                                  Instant lastFullScan, Weak members, Weak outside) {
            Map<String, String> facts = new TreeMap<>();
            facts.put(FACT_ORGANIZATION, settings.organization());
            facts.put(FACT_LAST_FULL_SCAN, lastFullScan.toString());
            facts.put(FACT_COVERAGE, settings.coverage());
            members.unknownBecause().ifPresent(why -> facts.put(FACT_WEAK_MFA, why));
            outside.unknownBecause().ifPresent(why -> facts.put(FACT_OUTSIDE_WEAK_MFA, why));
            return new Snapshot(SERVICE, observedAt, new ArrayList<>(accounts.values()), Map.of(REQUIREMENT, requirement),
                    facts, List.of());
        }

        /** A message for people: what GitHub said, for which org, while reading what, and what to do. No secret. */
        String explain(GitHubApi.ErrorAnswer e) {
            String org = settings.organization();
            int code = e.status();
            String said = e.said();
            String head = "GitHub answered " + code + " '" + said + "' for org " + org;
            boolean app = settings.auth() instanceof GitHubSettings.App;
            Optional<String> sso = e.header("x-github-sso");
            Optional<String> permissions = e.header("x-accepted-github-permissions");
            if (code == 403 && sso.isPresent() && sso.get().toLowerCase(Locale.ROOT).startsWith("required")) {
                String url = ssoUrl(sso.get());
                return head + " while reading " + reading + ": the organisation uses SAML single sign-on and the token is "
                        + "not authorised for it. Authorise the token for SSO" + (url.isEmpty() ? "" : " at " + url)
                        + " (signed in as the token's user; or in GitHub's token settings: Configure SSO, Authorize), then "
                        + "the next run reads the org";
            }
            if (code == 403 && said.startsWith("Resource not accessible by")) {
                String needed = permissions.map(GitHubMonitor::permissionWords).orElse("");
                return head + " while reading " + reading + ": the " + (app ? "GitHub App " + appId() : "token")
                        + " lacks a permission this request needs"
                        + (needed.isEmpty() ? "" : " (GitHub accepts: " + needed + ")")
                        + (app ? "; grant it to the App and accept it on its installation on " + org
                        : "; grant it to the fine-grained token (resource owner " + org + ")")
                        + ", then the next run reads the org";
            }
            if (code == 422 && OWNERS_ONLY.equals(said) && app) {
                return head + ": GitHub App " + appId() + " needs the organization permission \"Members: read\" "
                        + "(and \"Administration: read\" for the 2FA requirement), accepted on its installation on " + org;
            }
            if (code == 422 && OWNERS_ONLY.equals(said)) {
                return head + ": the token's user must be an owner of " + org + " (a classic token also needs the "
                        + "read:org scope, admin:org to see the 2FA requirement)";
            }
            if (code == 401 && app) {
                return head + ": GitHub did not accept the installation token of GitHub App " + appId()
                        + " it had just issued; the next run gets a new one";
            }
            if (code == 401) {
                return head + ": the token is wrong, expired or revoked; replace it";
            }
            if (code == 404 && reading.equals("the organization")) {
                return "GitHub answered 404 for org " + org + ": there is no organization " + org + " at "
                        + settings.endpoint() + ", or the token cannot see it";
            }
            return head + " while reading " + reading + ": the snapshot is not taken (never a partial list); "
                    + "the next run tries again";
        }
    }

    /** {@code required; url=https://github.com/orgs/acme/sso?authorization_request=...}: the URL. */
    private static String ssoUrl(String header) {
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("url=")) {
                String url = p.substring(4).trim();
                return url.startsWith("https://") ? url : "";
            }
        }
        return "";
    }

    /** {@code members=read; organization_administration=read}: "members=read or organization_administration=read". */
    private static String permissionWords(String header) {
        return java.util.Arrays.stream(header.split(";")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.replace(",", " and ")).collect(Collectors.joining(" or "));
    }

    private static String role(Account account) {
        return account.facts().getOrDefault(ROLE, "member");
    }

    private static Account member(long id, String login, MfaStatus mfa, String role, boolean weak) {
        Map<String, String> facts = new TreeMap<>();
        facts.put(ROLE, role);
        if (weak) {
            facts.put(WEAK, "true");
        }
        return new Account(Long.toString(id), login, KIND_MEMBER, mfa, "", facts);
    }

    private static Account outsideCollaborator(long id, String login, MfaStatus mfa, boolean weak) {
        return new Account(Long.toString(id), login, KIND_OUTSIDE, mfa, "", weak ? Map.of(WEAK, "true") : Map.of());
    }

    @SafeVarargs
    private static Map<Long, String> union(Map<Long, String>... maps) {
        Map<Long, String> all = new TreeMap<>();
        for (Map<Long, String> map : maps) {
            map.forEach(all::putIfAbsent);
        }
        return all;
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
