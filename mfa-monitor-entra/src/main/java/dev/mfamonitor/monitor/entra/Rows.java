package dev.mfamonitor.monitor.entra;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The two kinds of rows the monitor joins: the registration report's and {@code /users}'. */
final class Rows {
    /** Methods that are a phone or a mailbox: an account whose every method is one of these has weak MFA. */
    static final Set<String> WEAK_METHODS = Set.of("mobilePhone", "alternateMobilePhone", "officePhone", "email");

    private Rows() {
    }

    /**
     * One {@code userRegistrationDetails} object.
     *
     * @param registered {@code isMfaRegistered}, empty when absent or not a boolean
     * @param capable    {@code isMfaCapable}, empty when absent or not a boolean
     */
    record ReportRow(String id, String userPrincipalName, String userType, boolean isAdmin,
                     Optional<Boolean> registered, Optional<Boolean> capable, List<String> methods) {

        static ReportRow of(JsonNode node) {
            List<String> methods = new ArrayList<>();
            node.path("methodsRegistered").forEach(m -> methods.add(m.asText()));
            return new ReportRow(node.path("id").asText(""), node.path("userPrincipalName").asText(""),
                    node.path("userType").asText(""), node.path("isAdmin").asBoolean(false),
                    bool(node.get("isMfaRegistered")), bool(node.get("isMfaCapable")), List.copyOf(methods));
        }

        /** The field the configuration chose. */
        Optional<Boolean> mfa(EntraSettings.MfaField field) {
            return field == EntraSettings.MfaField.CAPABLE ? capable : registered;
        }

        /** Whether every registered method is a phone or an email address (and there is at least one). */
        boolean weak() {
            return !methods.isEmpty() && WEAK_METHODS.containsAll(methods);
        }
    }

    /**
     * One {@code user} of {@code /users?$select=id,userPrincipalName,accountEnabled,userType}.
     *
     * @param accountEnabled empty when Graph left it out
     */
    record UserRow(String id, String userPrincipalName, String userType, Optional<Boolean> accountEnabled) {
        static UserRow of(JsonNode node) {
            return new UserRow(node.path("id").asText(""), node.path("userPrincipalName").asText(""),
                    node.path("userType").asText(""), bool(node.get("accountEnabled")));
        }

        /** {@code accountEnabled: false}: the account cannot sign in, whatever the report says. */
        boolean disabled() {
            return accountEnabled.isPresent() && !accountEnabled.get();
        }
    }

    private static Optional<Boolean> bool(JsonNode node) {
        return node != null && node.isBoolean() ? Optional.of(node.booleanValue()) : Optional.empty();
    }

    /** {@code guest} when the first userType given says {@code Guest} (any case), else {@code member}. */
    static String kind(String... userTypes) {
        for (String type : userTypes) {
            if (type != null && !type.isBlank()) {
                return type.trim().toLowerCase(Locale.ROOT).equals("guest") ? "guest" : "member";
            }
        }
        return "member";
    }
}
