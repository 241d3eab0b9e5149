package dev.mfamonitor.notifier.slack;

import com.slack.api.Slack;
import com.slack.api.webhook.Payload;
import com.slack.api.webhook.WebhookResponse;
import dev.mfamonitor.spi.Secret;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Posts through an incoming webhook. The SDK's {@code send} never throws for an HTTP error, so every answer is read
 * here: 200 with the body {@code ok} is success, anything else is not.
 */
final class WebhookTransport implements SlackTransport {
    private final Slack slack;
    private final Secret url;
    private final Redactor redactor;
    private final Optional<String> username;
    private final Optional<String> iconEmoji;
    private final Clock clock;

    WebhookTransport(Slack slack, Secret url, Optional<String> username, Optional<String> iconEmoji, Clock clock) {
        this.slack = Objects.requireNonNull(slack, "slack");
        this.url = Objects.requireNonNull(url, "url");
        this.redactor = Redactor.forWebhook(url);
        this.username = username;
        this.iconEmoji = iconEmoji;
        this.clock = clock;
    }

    @Override
    public Attempt post(SlackMessage message) {
        Payload payload = Payload.builder()
                .text(message.text())
                .blocks(message.blocks())
                .username(username.orElse(null))
                .iconEmoji(iconEmoji.orElse(null))
                .unfurlLinks(false)
                .unfurlMedia(false)
                .build();
        WebhookResponse response;
        try {
            response = slack.send(url.reveal(), payload);
        } catch (IOException e) {
            return new Attempt.Retry("could not reach Slack: " + redactor.describe(e), Optional.empty());
        } catch (RuntimeException e) {
            // OkHttp throws IllegalStateException and friends for broken responses; retrying may help, the URL must not leak.
            return new Attempt.Retry("the webhook call failed: " + redactor.describe(e), Optional.empty());
        }
        return SlackErrors.webhook(response.getCode(), response.getBody(),
                SlackErrors.header(response.getHeaders(), "Retry-After"), clock.instant());
    }

    @Override
    public void close() {
        SlackClients.close(slack);
    }
}
