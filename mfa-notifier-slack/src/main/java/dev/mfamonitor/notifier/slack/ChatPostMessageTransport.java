package dev.mfamonitor.notifier.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Secret;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Posts with a bot token through {@code chat.postMessage} (a JSON body, the token as {@code Authorization: Bearer}).
 * Slack answers {@code {"ok":true}} or {@code {"ok":false,"error":"..."}}, at 200 or with an error status (429 among
 * them).
 */
final class ChatPostMessageTransport implements SlackTransport {
    private final SlackHttp http;
    private final URI endpoint;
    private final Secret token;
    private final String channel;
    private final Optional<String> username;
    private final Optional<String> iconEmoji;
    private final Clock clock;

    /** @param apiUrl the Web API's prefix, ending in {@code /} */
    ChatPostMessageTransport(SlackHttp http, URI apiUrl, Secret token, String channel, Optional<String> username,
                             Optional<String> iconEmoji, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.endpoint = Objects.requireNonNull(apiUrl.resolve("chat.postMessage"), "chat.postMessage URL");
        this.token = Objects.requireNonNull(token, "token");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.username = username;
        this.iconEmoji = iconEmoji;
        this.clock = clock;
    }

    @Override
    public Attempt post(SlackMessage message, Deadline deadline) {
        Duration callTimeout = http.callTimeout(deadline);
        if (callTimeout.isZero()) {
            return new Attempt(DeliveryResult.retry("the delivery deadline passed before chat.postMessage was called"),
                    false);
        }
        ObjectNode payload = SlackJson.payload(message, username, iconEmoji);
        payload.put("channel", channel);
        SlackHttp.Answer answer;
        try {
            answer = http.post(endpoint, Optional.of(token.reveal()), SlackJson.write(payload), callTimeout);
        } catch (IOException e) {
            return new Attempt(DeliveryResult.retry("could not reach Slack: " + http.describe(e)), false);
        } catch (RuntimeException e) {
            return new Attempt(DeliveryResult.retry("the chat.postMessage call failed: " + http.describe(e)), false);
        }
        boolean ok;
        String error;
        Optional<JsonNode> body = SlackJson.object(answer.body());
        if (body.isPresent()) {
            JsonNode okField = body.get().get("ok");
            JsonNode errorField = body.get().get("error");
            ok = okField != null && okField.isValueNode()
                    && (okField.isBoolean() ? okField.booleanValue() : Boolean.parseBoolean(okField.asText()));
            error = errorField != null && errorField.isValueNode() && !errorField.isNull() ? errorField.asText() : "";
        } else {
            if (answer.status() == 200) {
                // A 200 whose body is not Slack's JSON: not an 'ok', so not delivered.
                return new Attempt(DeliveryResult.retry("Slack's answer to chat.postMessage (200) could not be read"),
                        false);
            }
            ok = false;
            error = "";
        }
        return new Attempt(SlackErrors.api(answer.status(), ok, error, channel, answer.retryAfter(), clock.instant()),
                SlackErrors.code(error).equals(SlackErrors.BLOCKS_TOO_LONG));
    }

    @Override
    public void close() {
        http.close();
    }
}
