package dev.mfamonitor.notifier.pagerduty;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * One Events API v2 request to make: a {@code trigger} with its payload, or a {@code resolve}.
 *
 * @param action   {@code trigger} or {@code resolve}
 * @param dedupKey the incident's key; see {@link IncidentMapping#dedupKey}
 * @param payload  the {@code payload} object of a trigger; empty for a resolve
 * @param what     for failure messages: which change this request stands for, with no account name in it
 */
record PagerDutyEvent(String action, String dedupKey, Optional<ObjectNode> payload, String what) {
    static final String TRIGGER = "trigger";
    static final String RESOLVE = "resolve";

    PagerDutyEvent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(what, "what");
    }

    static PagerDutyEvent trigger(String dedupKey, ObjectNode payload, String what) {
        return new PagerDutyEvent(TRIGGER, dedupKey, Optional.of(payload), what);
    }

    static PagerDutyEvent resolve(String dedupKey, String what) {
        return new PagerDutyEvent(RESOLVE, dedupKey, Optional.empty(), what);
    }
}
