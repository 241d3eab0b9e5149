package dev.mfamonitor.monitor.google;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The 2-Step Verification of every user of one Google Workspace customer, from the Directory API.
 *
 * <p>Every page of {@code users.list} is read or the snapshot fails: a short list would read as departures. A user the
 * last snapshot had enrolled whom the list now calls not enrolled is read once more with {@code users.get}, because
 * the list's {@code isEnrolledIn2Sv} has been seen wrong where the single read was right (PSGSuite issue 362); the
 * single read wins.
 */
final class GoogleWorkspaceMonitor implements Monitor {
    static final String SERVICE = "google-workspace";
    /** The customer-level requirement, in {@link Snapshot#requirements()}. */
    static final String ENFORCED_REQUIREMENT = "2-Step Verification enforced for every active user";
    static final String KIND = "user";
    private static final int MAX_PAGES = 100_000;

    private final DirectoryClient directory;
    private final GoogleWorkspaceSettings settings;

    GoogleWorkspaceMonitor(GoogleWorkspaceSettings settings, DirectoryClient directory) {
        this.settings = settings;
        this.directory = directory;
    }

    @Override
    public Snapshot snapshot(ScanRequest request) throws Exception {
        Instant observedAt = settings.context().clock().instant();
        Map<String, Account> accounts = new LinkedHashMap<>();
        Map<String, Boolean> enforced = new HashMap<>();
        Optional<String> pageToken = Optional.empty();
        Set<String> tokensSeen = new HashSet<>();
        for (int page = 1; ; page++) {
            if (page > MAX_PAGES) {
                throw new GoogleWorkspaceException("users.list of customer " + settings.customer() + " did not end after "
                        + MAX_PAGES + " pages; stopped");
            }
            JsonNode answer = directory.listPage(pageToken, page, request.deadline());
            for (JsonNode user : answer.path("users")) {
                Account account = account(user, "users.list page " + page);
                accounts.put(account.id(), account);
                enforced.put(account.id(), enforced(user));
            }
            request.progress().read(accounts.size(), "users");
            String next = answer.path("nextPageToken").asText("");
            if (next.isEmpty()) {
                break;
            }
            if (!tokensSeen.add(next)) {
                throw new GoogleWorkspaceException("users.list of customer " + settings.customer() + " handed back page "
                        + "token of an earlier page at page " + page + "; the list cannot be read whole");
            }
            pageToken = Optional.of(next);
        }
        int confirmed = confirmNewlyDisabled(request, accounts, enforced);
        return snapshot(observedAt, accounts, enforced, confirmed);
    }

    /**
     * Reads again, one by one, the users the previous snapshot had enrolled and the list calls not enrolled; what the
     * single read says replaces what the list said.
     *
     * @return how many were read again
     */
    private int confirmNewlyDisabled(ScanRequest request, Map<String, Account> accounts, Map<String, Boolean> enforced)
            throws Exception {
        if (request.previous().isEmpty()) {
            return 0;
        }
        Set<String> hadMfa = new HashSet<>();
        for (Account before : request.previous().get().accounts()) {
            if (before.mfa() == MfaStatus.ENABLED) {
                hadMfa.add(before.id());
            }
        }
        List<String> toConfirm = new ArrayList<>();
        for (Account now : accounts.values()) {
            if (now.mfa() == MfaStatus.DISABLED && hadMfa.contains(now.id())) {
                toConfirm.add(now.id());
            }
        }
        for (String id : toConfirm) {
            Optional<JsonNode> single = directory.getUser(id, request.deadline());
            if (single.isEmpty()) {
                // Deleted since the list was read: the list's answer stands, the next run sees the user gone.
                continue;
            }
            Account account = account(single.get(), "users.get of user " + id);
            if (!account.id().equals(id)) {
                throw new GoogleWorkspaceException("users.get of user " + id + " answered with user " + account.id());
            }
            accounts.put(id, account);
            enforced.put(id, enforced(single.get()));
        }
        return toConfirm.size();
    }

    private Snapshot snapshot(Instant observedAt, Map<String, Account> accounts, Map<String, Boolean> enforced,
                              int confirmed) {
        int active = 0;
        int notEnforced = 0;
        boolean unknown = false;
        for (Account account : accounts.values()) {
            if (account.mfa() == MfaStatus.NOT_APPLICABLE) {
                continue;
            }
            active++;
            Boolean isEnforced = enforced.get(account.id());
            if (isEnforced == null) {
                unknown = true;
            } else if (!isEnforced) {
                notEnforced++;
            }
        }
        MfaStatus requirement = notEnforced > 0 ? MfaStatus.DISABLED
                : unknown || active == 0 ? MfaStatus.UNKNOWN : MfaStatus.ENABLED;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("customer", settings.customer());
        facts.put("activeUsers", Integer.toString(active));
        facts.put("usersNotEnforced", Integer.toString(notEnforced));
        facts.put(ENFORCED_REQUIREMENT, notEnforced == 0 ? "every active user is enforced"
                : notEnforced + " of " + active + " active users " + (notEnforced == 1 ? "is" : "are") + " not enforced");
        if (confirmed > 0) {
            facts.put("confirmedWithUsersGet", Integer.toString(confirmed));
        }
        return new Snapshot(SERVICE, observedAt, new ArrayList<>(accounts.values()), Map.of(ENFORCED_REQUIREMENT, requirement),
                facts, List.of());
    }

    /** One user of a Directory answer as an account. */
    static Account account(JsonNode user, String where) throws GoogleWorkspaceException {
        String id = user.path("id").asText("");
        if (id.isBlank()) {
            throw new GoogleWorkspaceException(where + " held a user without an id; the list cannot be read whole");
        }
        String email = user.path("primaryEmail").asText(id);
        Map<String, String> facts = new LinkedHashMap<>();
        if (user.path("isAdmin").asBoolean(false)) {
            facts.put("role", "admin");
        } else if (user.path("isDelegatedAdmin").asBoolean(false)) {
            facts.put("role", "delegated-admin");
        }
        Boolean isEnforced = enforced(user);
        if (isEnforced != null) {
            facts.put("2svEnforced", isEnforced.toString());
        }
        MfaStatus mfa;
        if (user.path("suspended").asBoolean(false)) {
            facts.put("state", "suspended");
            mfa = MfaStatus.NOT_APPLICABLE;
        } else if (user.path("archived").asBoolean(false)) {
            facts.put("state", "archived");
            mfa = MfaStatus.NOT_APPLICABLE;
        } else {
            JsonNode enrolled = user.get("isEnrolledIn2Sv");
            mfa = enrolled == null || !enrolled.isBoolean() ? MfaStatus.UNKNOWN
                    : enrolled.asBoolean() ? MfaStatus.ENABLED : MfaStatus.DISABLED;
        }
        return new Account(id, email, KIND, mfa, "", facts);
    }

    private static Boolean enforced(JsonNode user) {
        JsonNode node = user.get("isEnforcedIn2Sv");
        return node == null || !node.isBoolean() ? null : node.asBoolean();
    }
}
