package com.example.mfa.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns GitLab's user and member objects into accounts.
 *
 * <ul>
 *   <li>The account id is GitLab's numeric user id, which survives a change of username.</li>
 *   <li>{@code two_factor_enabled} absent (GitLab shows it only to administrators, and in a group's member list to
 *       the group's owners) or not a boolean: {@link MfaStatus#UNKNOWN}, never "disabled".</li>
 *   <li>{@code bot: true} (the users behind project and group access tokens, service accounts): kind {@code bot},
 *       {@link MfaStatus#NOT_APPLICABLE}, since they cannot sign in interactively.</li>
 *   <li>A user who cannot sign in ({@code state} blocked, banned, ldap_blocked or blocked_pending_approval):
 *       {@link MfaStatus#NOT_APPLICABLE}, with the state as a fact. Unblocking such a user without 2FA is then
 *       reported as "MFA disabled". A <em>deactivated</em> user is treated like an active one: GitLab reactivates a
 *       deactivated user who signs in, so they can still sign in without a second factor. Any state this code does
 *       not know is treated as active too, so that a new state can never hide a finding.</li>
 * </ul>
 */
final class GitLabUsers {
    /** States in which GitLab refuses every sign-in. */
    static final Set<String> CANNOT_SIGN_IN = Set.of("blocked", "banned", "ldap_blocked", "blocked_pending_approval");

    private GitLabUsers() {
    }

    /**
     * @param member whether the object came from a group's member list (kind {@code member}) rather than the
     *               instance's user list (kind {@code user})
     * @throws GitLabMonitorException when the object has no numeric id: it cannot be followed from run to run
     */
    static Account account(JsonNode user, boolean member, String where) throws GitLabMonitorException {
        JsonNode id = user.get("id");
        if (id == null || !id.isIntegralNumber()) {
            throw new GitLabMonitorException("GitLab listed " + where + " an entry without a numeric id ("
                    + (id == null ? "no id" : "id " + id) + "); is url: a GitLab instance?");
        }
        String username = text(user, "username");
        String name = username.isEmpty() ? text(user, "name") : username;
        String state = text(user, "state").toLowerCase(Locale.ROOT);
        boolean bot = user.path("bot").asBoolean(false);

        Map<String, String> facts = new LinkedHashMap<>();
        if (!state.isEmpty()) {
            facts.put("state", state);
        }
        if (user.path("is_admin").asBoolean(false)) {
            facts.put("admin", "true");
        }
        if (user.has("access_level")) {
            facts.put("accessLevel", user.get("access_level").asText());
        }
        String kind = bot ? "bot" : member ? "member" : "user";
        return new Account(id.asText(), name, kind, status(user.get("two_factor_enabled"), bot, state), "", facts);
    }

    private static MfaStatus status(JsonNode twoFactor, boolean bot, String state) {
        if (twoFactor == null || !twoFactor.isBoolean()) {
            return MfaStatus.UNKNOWN;
        }
        if (bot || CANNOT_SIGN_IN.contains(state)) {
            return MfaStatus.NOT_APPLICABLE;
        }
        return twoFactor.booleanValue() ? MfaStatus.ENABLED : MfaStatus.DISABLED;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText().trim();
    }
}
