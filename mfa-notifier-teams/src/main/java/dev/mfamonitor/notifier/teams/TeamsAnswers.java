package dev.mfamonitor.notifier.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.support.Backoff;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a Workflows webhook's answers mean and what a person should do about them.
 *
 * <p>A Teams Workflows webhook is the HTTP trigger of a Power Automate flow (a Logic App underneath): it answers
 * {@code 202 Accepted} as soon as the request is taken and runs the flow, which posts the card, afterwards, so a card
 * the flow cannot post fails there, silently (its run history shows it). A legacy connector URL answered 200.
 * Errors come in the Logic Apps envelope {@code {"error":{"code":"WorkflowNotFound","message":"..."}}}; only the
 * {@code code} is quoted, and only when it looks like one (after the redactor had its say), because the message may
 * echo the URL.
 */
final class TeamsAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,79}");
    private static final String NEW_URL = "open the workflow in Teams (Workflows app, or the channel's 'Workflows' "
            + "menu), copy the URL of its trigger 'When a Teams webhook request is received' and put it where "
            + "webhookUrl reads it";

    private TeamsAnswers() {
    }

    /**
     * What an answer means.
     *
     * @param name             how messages name the notifier: "notifier 'security-teams' (type teams)"
     * @param body             the answer's body, already redacted
     * @param retryAfterHeader the answer's {@code Retry-After}, if any
     */
    static DeliveryResult of(String name, int status, String body, Optional<String> retryAfterHeader, Instant now) {
        if (status == 200 || status == 202) {
            return DeliveryResult.delivered();
        }
        String answer = status + code(body).map(c -> " " + c).orElse("");
        if (status == 429) {
            Optional<Duration> wait = retryAfterHeader.flatMap(h -> Backoff.parseRetryAfter(h, now));
            String reason = name + ": the Workflows webhook is rate limiting (" + answer + ")"
                    + wait.map(w -> "; it asked to wait " + w.toSeconds() + " s").orElse("") + "; the events stay pending";
            return wait.map(w -> DeliveryResult.retryAfter(reason, w)).orElseGet(() -> DeliveryResult.retry(reason));
        }
        if (status == 408 || status >= 500) {
            return DeliveryResult.retry(name + ": the Workflows webhook answered " + answer + "; the events stay "
                    + "pending and are sent again");
        }
        if (status >= 200 && status < 300) {
            return DeliveryResult.permanent(name + ": the Workflows webhook answered " + answer + " instead of 202: "
                    + "webhookUrl does not look like a Teams workflow's trigger URL; " + NEW_URL);
        }
        if (status >= 300 && status < 400) {
            return DeliveryResult.permanent(name + ": the Workflows webhook answered a redirect (" + status + "), "
                    + "which is not followed: " + NEW_URL);
        }
        String advice = switch (status) {
            case 400 -> "the flow refused the request (" + answer + "): its trigger expects another body, so it was "
                    + "edited or is not made from the template 'Post to a channel when a webhook request is received'; "
                    + "create the workflow again from that template and update webhookUrl";
            case 401, 403 -> "the flow refused the URL's signature (" + answer + "): the URL was rotated, copied "
                    + "incompletely (it must keep its 'sig' parameter), or the flow is turned off or its owner left; "
                    + "turn the flow on, or " + NEW_URL;
            case 404 -> "no workflow answers at that URL (" + answer + "): the workflow was deleted or its URL "
                    + "rotated; create it again in the channel (template 'Post to a channel when a webhook request "
                    + "is received') and put its URL where webhookUrl reads it";
            case 413 -> "the request was too large (" + answer + "): this is a bug in mfa-monitor's Teams notifier, "
                    + "which keeps cards under " + TeamsCard.MAX_BODY_BYTES + " bytes; please report it";
            default -> "the Workflows webhook refused the request (" + answer + "); sending it again cannot help: "
                    + "check the workflow's run history in Power Automate";
        };
        return DeliveryResult.permanent(name + ": " + advice);
    }

    /** The Logic Apps error code of a (redacted) answer, if it has one that looks like a code. */
    static Optional<String> code(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode error = JSON.readTree(body).path("error").path("code");
            return error.isTextual() && ERROR_CODE.matcher(error.asText()).matches()
                    ? Optional.of(error.asText()) : Optional.empty();
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }
}
