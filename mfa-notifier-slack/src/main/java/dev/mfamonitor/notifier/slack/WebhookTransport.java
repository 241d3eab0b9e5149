package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Posts through an incoming webhook: 200 with the body {@code ok} is success, anything else is not. The URL is a
 * secret: it appears in no message (the context's redactor knows it, and its path).
 */
final class WebhookTransport implements SlackTransport {
    private final SlackHttp http;
    private final URI url;
    private final Optional<String> username;
    private final Optional<String> iconEmoji;
    private final Clock clock;

    WebhookTransport(SlackHttp http, URI url, Optional<String> username, Optional<String> iconEmoji, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.url = Objects.requireNonNull(url, "url");
        this.username = username;
        this.iconEmoji = iconEmoji;
        this.clock = clock;
    }

    @Override
    public Attempt post(SlackMessage message, Deadline deadline) {
        Duration callTimeout = http.callTimeout(deadline);
        if (callTimeout.isZero()) {
            return new Attempt(DeliveryResult.retry("the delivery deadline passed before the webhook was called"), false);
        }
        SlackHttp.Answer answer;
        try {
            answer = http.post(url, Optional.empty(), SlackJson.write(SlackJson.payload(message, username, iconEmoji)),
                    callTimeout);
        } catch (IOException e) {
            return new Attempt(DeliveryResult.retry("could not reach Slack: " + http.describe(e)), false);
        } catch (RuntimeException e) {
            // The client may throw IllegalStateException and friends for broken responses; retrying may help.
            return new Attempt(DeliveryResult.retry("the webhook call failed: " + http.describe(e)), false);
        }
        boolean tooLong = SlackErrors.code(answer.body()).equals(SlackErrors.BLOCKS_TOO_LONG);
        return new Attempt(SlackErrors.webhook(answer.status(), answer.body(), answer.retryAfter(), clock.instant()),
                tooLong);
    }

    @Override
    public void close() {
        http.close();
    }
}
