package dev.mfamonitor.monitor.okta;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a user's factor list says: the types of its {@code ACTIVE} factors. A {@code PENDING_ACTIVATION} factor (enrolled,
 * never verified) does not count, nor does any other status.
 */
record Factors(List<String> activeTypes) {
    /** Factors that a phone number, a mailbox or a remembered answer can satisfy: MFA, but weak. */
    static final Set<String> WEAK = Set.of("sms", "call", "email", "question");

    Factors {
        activeTypes = List.copyOf(activeTypes);
    }

    static Factors of(JsonNode list) {
        TreeSet<String> types = new TreeSet<>();
        for (JsonNode factor : list) {
            if ("ACTIVE".equals(factor.path("status").asText())) {
                String type = factor.path("factorType").asText("");
                types.add(type.isBlank() ? "unknown" : type);
            }
        }
        return new Factors(List.copyOf(types));
    }

    boolean any() {
        return !activeTypes.isEmpty();
    }

    /** Every active factor is one of {@link #WEAK} (and there is one). */
    boolean weak() {
        return any() && WEAK.containsAll(activeTypes);
    }
}
