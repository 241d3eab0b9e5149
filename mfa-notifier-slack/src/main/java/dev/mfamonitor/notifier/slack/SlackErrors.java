package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.support.Backoff;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What Slack's answers mean and what a person should do about them. Slack names its errors with short lower-case
 * codes ({@code invalid_token}, {@code channel_not_found}); a code is shown only when it looks like one (after the
 * redactor had its say), so that no other text of an answer (which might echo a URL) reaches a message.
 */
final class SlackErrors {
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z0-9_]{1,64}");

    /** Slack's code for a message whose blocks carry too much text in all (about 12,000 characters). */
    static final String BLOCKS_TOO_LONG = "msg_blocks_too_long";

    /** chat.postMessage errors that pass by themselves. */
    private static final Set<String> TRANSIENT = Set.of("ratelimited", "rate_limited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout");
    private static final Set<String> BAD_TOKEN = Set.of("not_authed", "invalid_auth", "invalid_token", "account_inactive",
            "token_revoked", "token_expired", "not_allowed_token_type");
    private static final Set<String> OUR_BUG = Set.of("invalid_payload", "invalid_blocks", "invalid_blocks_format",
            "msg_too_long", "no_text", "invalid_arguments", "invalid_form_data", "too_many_attachments", "invalid_json",
            "json_not_object", "missing_text_or_fallback_or_attachments", BLOCKS_TOO_LONG);

    private SlackErrors() {
    }

    /** The error code in a (redacted) body such as {@code no_service}, or a placeholder when the body is something else. */
    static String code(String body) {
        String trimmed = body == null ? "" : body.trim();
        if (trimmed.isEmpty()) {
            return "(empty answer)";
        }
        return ERROR_CODE.matcher(trimmed).matches() ? trimmed : "(unexpected answer)";
    }

    /**
     * What an incoming webhook's answer means. Webhooks answer 200 {@code ok}, or an HTTP error with a code.
     *
     * @param body the answer's body, already redacted
     */
    static DeliveryResult webhook(int status, String body, Optional<String> retryAfterHeader, Instant now) {
        String error = code(body);
        if (status == 200) {
            return "ok".equals(body == null ? "" : body.trim()) ? DeliveryResult.delivered()
                    : DeliveryResult.retry("Slack answered 200 without 'ok' " + error);
        }
        String answer = status + " " + error;
        if (status == 429) {
            return rateLimited("Slack is rate limiting the webhook (429)", retryAfterHeader, now);
        }
        if (status == 408 || status >= 500) {
            return DeliveryResult.retry("Slack answered " + answer);
        }
        if (status >= 300 && status < 400) {
            return DeliveryResult.permanent("the incoming webhook answered a redirect (" + status + "), which is not "
                    + "followed: check webhookUrl; it is the Webhook URL shown on the Slack app's Incoming Webhooks page");
        }
        if (OUR_BUG.contains(error) || status == 400) {
            return ourBug(answer);
        }
        return switch (error) {
            case "invalid_token" -> DeliveryResult.permanent("Slack rejected the incoming webhook (" + answer + "): it "
                    + "was revoked or its Slack app was removed; create a new incoming webhook and put its URL where "
                    + "webhookUrl reads it");
            case "no_service", "no_team", "no_active_hooks" -> DeliveryResult.permanent("Slack does not know the "
                    + "incoming webhook (" + answer + "): it was disabled or removed; create a new incoming webhook and "
                    + "put its URL where webhookUrl reads it");
            case "channel_not_found" -> DeliveryResult.permanent("the incoming webhook's channel no longer exists ("
                    + answer + "): create an incoming webhook for an existing channel and put its URL where webhookUrl "
                    + "reads it");
            case "channel_is_archived" -> DeliveryResult.permanent("the incoming webhook's channel is archived ("
                    + answer + "): unarchive the channel, or create an incoming webhook for another one and update "
                    + "webhookUrl");
            case "action_prohibited", "posting_to_general_channel_denied" -> DeliveryResult.permanent("Slack does not "
                    + "let the webhook post in its channel (" + answer + "): a workspace admin restricted posting "
                    + "there; ask them to allow the app, or use a webhook for another channel");
            default -> DeliveryResult.permanent("Slack refused the incoming webhook (" + answer + "): check that the "
                    + "webhook still exists and may post; create a new one and update webhookUrl if not");
        };
    }

    /**
     * What a chat.postMessage answer means: 200 with {@code ok: true}, or an error code with {@code ok: false} (at 200,
     * or with an HTTP error status).
     *
     * @param errorCode the {@code error} of the answer, already redacted; empty when there was none
     */
    static DeliveryResult api(int status, boolean ok, String errorCode, String channel, Optional<String> retryAfterHeader,
                              Instant now) {
        if (status == 200 && ok) {
            return DeliveryResult.delivered();
        }
        String error = code(errorCode);
        String answer = (status == 200 ? "" : status + " ") + error;
        if (status == 429 || error.equals("ratelimited") || error.equals("rate_limited")) {
            return rateLimited("Slack is rate limiting chat.postMessage (" + answer + ")", retryAfterHeader, now);
        }
        if (status == 408 || status >= 500 || TRANSIENT.contains(error)) {
            return DeliveryResult.retry("Slack answered chat.postMessage with " + answer);
        }
        if (status >= 300 && status < 400) {
            return DeliveryResult.permanent("the Web API answered a redirect (" + status + "), which is not followed: "
                    + "check apiUrl (https://slack.com/api/ unless you use GovSlack)");
        }
        if (BAD_TOKEN.contains(error)) {
            return DeliveryResult.permanent("Slack rejected the bot token (" + answer + "): it was revoked, expired or "
                    + "is not a bot token; put a valid bot token (xoxb-...) where 'token' reads it");
        }
        if (OUR_BUG.contains(error)) {
            return ourBug(answer);
        }
        return switch (error) {
            case "missing_scope", "no_permission" -> DeliveryResult.permanent("the bot token may not post messages ("
                    + answer + "): give the Slack app the chat:write scope and reinstall it in the workspace");
            case "channel_not_found" -> DeliveryResult.permanent("Slack cannot find channel '" + channel + "' ("
                    + answer + "): check 'channel' (best the channel id, such as C0123456789) and invite the bot to a "
                    + "private channel");
            case "not_in_channel" -> DeliveryResult.permanent("the bot is not a member of channel '" + channel + "' ("
                    + answer + "): invite it there with /invite @your-app");
            case "is_archived", "channel_is_archived" -> DeliveryResult.permanent("channel '" + channel
                    + "' is archived (" + answer + "): unarchive it or change 'channel'");
            case "restricted_action", "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
                 "restricted_action_non_threadable_channel", "team_access_not_granted", "ekm_access_denied",
                 "access_denied" -> DeliveryResult.permanent("a workspace setting stops the bot posting in channel '"
                    + channel + "' (" + answer + "): ask a workspace admin, or change 'channel'");
            default -> DeliveryResult.permanent("Slack answered chat.postMessage with " + answer + " for channel '"
                    + channel + "'; see Slack's chat.postMessage documentation for what it means");
        };
    }

    private static DeliveryResult rateLimited(String reason, Optional<String> retryAfterHeader, Instant now) {
        Optional<Duration> wait = retryAfterHeader.flatMap(h -> Backoff.parseRetryAfter(h, now));
        return wait.map(w -> DeliveryResult.retryAfter(reason, w)).orElseGet(() -> DeliveryResult.retry(reason));
    }

    private static DeliveryResult ourBug(String answer) {
        return DeliveryResult.permanent("Slack refused the message as invalid (" + answer + "): this is a bug in "
                + "mfa-monitor's Slack notifier; please report it with the log");
    }
}
