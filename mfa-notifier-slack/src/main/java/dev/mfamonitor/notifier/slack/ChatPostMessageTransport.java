package dev.mfamonitor.notifier.slack;

import com.slack.api.Slack;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.mfamonitor.spi.Secret;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Posts with a bot token through {@code chat.postMessage}. The SDK answers {@code ok: false} as a response and throws
 * {@link SlackApiException} for a non-2xx status (a 429 among them); both are read here.
 */
final class ChatPostMessageTransport implements SlackTransport {
    private final Slack slack;
    private final MethodsClient methods;
    private final Redactor redactor;
    private final String channel;
    private final Optional<String> username;
    private final Optional<String> iconEmoji;
    private final Clock clock;

    ChatPostMessageTransport(Slack slack, Secret token, String channel, Optional<String> username,
                             Optional<String> iconEmoji, Clock clock) {
        this.slack = Objects.requireNonNull(slack, "slack");
        this.methods = slack.methods(token.reveal());
        this.redactor = Redactor.forToken(token);
        this.channel = Objects.requireNonNull(channel, "channel");
        this.username = username;
        this.iconEmoji = iconEmoji;
        this.clock = clock;
    }

    @Override
    public Attempt post(SlackMessage message) {
        ChatPostMessageRequest request = ChatPostMessageRequest.builder()
                .channel(channel)
                .text(message.text())
                .blocks(message.blocks())
                .username(username.orElse(null))
                .iconEmoji(iconEmoji.orElse(null))
                .unfurlLinks(false)
                .unfurlMedia(false)
                .build();
        try {
            ChatPostMessageResponse response = methods.chatPostMessage(request);
            if (response.isOk()) {
                return new Attempt.Delivered();
            }
            return SlackErrors.api(200, response.getError(), channel,
                    SlackErrors.header(response.getHttpResponseHeaders(), "Retry-After"), clock.instant());
        } catch (SlackApiException e) {
            int status = e.getResponse().code();
            String error = e.getError() == null ? null : e.getError().getError();
            return SlackErrors.api(status, error == null ? "" : error, channel,
                    Optional.ofNullable(e.getResponse().header("Retry-After")), clock.instant());
        } catch (IOException e) {
            return new Attempt.Retry("could not reach Slack: " + redactor.describe(e), Optional.empty());
        } catch (RuntimeException e) {
            // A 200 whose body is not JSON makes Gson throw: not an 'ok', so not delivered.
            return new Attempt.Retry("Slack's answer to chat.postMessage could not be read: " + redactor.describe(e),
                    Optional.empty());
        }
    }

    @Override
    public void close() {
        SlackClients.close(slack);
    }
}
