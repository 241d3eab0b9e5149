package dev.mfamonitor.monitor.entra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.monitor.entra.EntraException.Reason;
import dev.mfamonitor.monitor.entra.GraphClient.Endpoint;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tenant's MFA requirements, reported like GitHub's "require 2FA": security defaults, and a Conditional Access
 * policy that requires MFA of every user for every application. Without {@code Policy.Read.All} both are
 * {@code UNKNOWN} and the accounts are still reported.
 */
final class Requirements {
    private Requirements() {
    }

    static void read(GraphClient graph, Deadline deadline, Map<String, MfaStatus> requirements, Map<String, String> facts,
                     Consumer<String> warnOnce) throws EntraException, InterruptedException {
        List<String> unknown = new ArrayList<>();
        Set<String> fixes = new LinkedHashSet<>();
        try {
            Optional<JsonNode> policy = graph.get(Endpoint.SECURITY_DEFAULTS,
                    graph.uri("policies/identitySecurityDefaultsEnforcementPolicy"), deadline);
            JsonNode enabled = policy.map(p -> p.get("isEnabled")).orElse(null);
            requirements.put(EntraMonitor.SECURITY_DEFAULTS, enabled == null || !enabled.isBoolean() ? MfaStatus.UNKNOWN
                    : enabled.booleanValue() ? MfaStatus.ENABLED : MfaStatus.DISABLED);
        } catch (EntraException e) {
            requirements.put(EntraMonitor.SECURITY_DEFAULTS, unknown(e, "security defaults", unknown, fixes, graph));
        }
        try {
            List<String> requiring = new ArrayList<>();
            graph.forEachPage(Endpoint.CONDITIONAL_ACCESS, graph.uri("identity/conditionalAccess/policies"), deadline,
                    policy -> {
                        if (requiresMfaForAll(policy)) {
                            requiring.add(graph.clean(policy.path("displayName").asText(policy.path("id").asText(""))));
                        }
                    }, () -> { });
            requirements.put(EntraMonitor.CONDITIONAL_ACCESS, requiring.isEmpty() ? MfaStatus.DISABLED : MfaStatus.ENABLED);
            if (!requiring.isEmpty()) {
                facts.put(EntraMonitor.MFA_POLICY, String.join(", ", requiring));
            }
        } catch (EntraException e) {
            requirements.put(EntraMonitor.CONDITIONAL_ACCESS, unknown(e, "Conditional Access", unknown, fixes, graph));
        }
        if (!unknown.isEmpty()) {
            String message = "the tenant's MFA requirements are unknown (" + String.join(", ", unknown) + "): "
                    + String.join("; ", fixes);
            facts.put(EntraMonitor.REQUIREMENTS_UNKNOWN, message);
            warnOnce.accept(message + " (the accounts are still monitored)");
        }
    }

    /** A missing permission (or licence) makes a requirement unknown; anything else fails the scan. */
    private static MfaStatus unknown(EntraException e, String what, List<String> unknown, Set<String> fixes,
                                     GraphClient graph) throws EntraException {
        if (e.reason() == Reason.PERMISSION_MISSING) {
            fixes.add("grant the app " + graph.clientId() + " the Microsoft Graph application permission "
                    + Endpoint.CONDITIONAL_ACCESS.permission + " and an administrator's consent");
        } else if (e.reason() == Reason.NO_PREMIUM_LICENCE) {
            fixes.add("Conditional Access needs Entra ID P1 or P2");
        } else {
            throw e;
        }
        unknown.add(what + ": " + e.status() + e.code().map(c -> " " + graph.clean(c)).orElse(""));
        return MfaStatus.UNKNOWN;
    }

    /**
     * An enabled policy (report-only does not count) for all users and all applications (from every client app type)
     * whose grant cannot be met without MFA: the {@code mfa} control or an authentication strength, and with
     * {@code OR} no other control that could be met instead. Excluded users and groups (break-glass accounts) are
     * allowed: the accounts themselves are monitored one by one.
     */
    static boolean requiresMfaForAll(JsonNode policy) {
        if (!"enabled".equals(policy.path("state").asText())) {
            return false;
        }
        JsonNode conditions = policy.path("conditions");
        if (!contains(conditions.path("users").path("includeUsers"), "All")
                || !contains(conditions.path("applications").path("includeApplications"), "All")) {
            return false;
        }
        JsonNode clientApps = conditions.path("clientAppTypes");
        if (clientApps.isArray() && !clientApps.isEmpty() && !contains(clientApps, "all")) {
            return false;
        }
        JsonNode grant = policy.path("grantControls");
        if (!grant.isObject()) {
            return false;
        }
        JsonNode builtIn = grant.path("builtInControls");
        boolean strength = grant.path("authenticationStrength").isObject();
        boolean mfa = contains(builtIn, "mfa");
        if (!mfa && !strength) {
            return false;
        }
        if (contains(builtIn, "block")) {
            return false;
        }
        if ("OR".equalsIgnoreCase(grant.path("operator").asText("OR"))) {
            for (JsonNode control : builtIn) {
                if (!control.asText().equals("mfa")) {
                    return false;
                }
            }
            if (grant.path("customAuthenticationFactors").size() > 0 || grant.path("termsOfUse").size() > 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(JsonNode array, String value) {
        if (!array.isArray()) {
            return false;
        }
        for (JsonNode item : array) {
            if (value.equalsIgnoreCase(item.asText())) {
                return true;
            }
        }
        return false;
    }
}
