package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code type: slack}: posts each notification as one Block Kit message ({@link SlackMessage}) through an incoming
 * webhook or {@code chat.postMessage}, one attempt per {@link #send}; the engine retries.
 *
 * <p>What Slack answers is sorted as {@link SlackErrors} says: 2xx {@code ok} delivered; 429 (with its
 * {@code Retry-After}), 408, 5xx, timeouts and network errors transient; the rest (a revoked webhook or token, a
 * missing or archived channel, a redirect) permanent, with a message that says what to fix. A message Slack refuses as
 * too long ({@code msg_blocks_too_long}) is rendered again, smaller, and posted once more in the same attempt, so that
 * the same refused message is never sent again. No message, log line or exception of this class contains the webhook
 * URL or the token.
 */
public final class SlackNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);

    private final SlackTransport transport;
    private final Optional<String> mention;

    SlackNotifier(SlackTransport transport, Optional<String> mention) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.mention = Objects.requireNonNull(mention, "mention");
    }

    @Override
    public DeliveryResult send(Notification notification) {
        DeliveryResult result = attempt(notification);
        if (!(result instanceof DeliveryResult.Delivered)) {
            log.debug("Slack did not take {}: {}", notification.id(), result);
        }
        return result;
    }

    private DeliveryResult attempt(Notification notification) {
        SlackMessage full = SlackMessage.render(notification, mention, SlackMessage.MAX_TOTAL_CHARS);
        Attempt first = transport.post(full, notification.deadline());
        if (!first.tooLong()) {
            return first.result();
        }
        // Slack's limit is undocumented: send at most half as much text, once; never the refused message again.
        int smaller = Math.min(SlackMessage.SMALL_TOTAL_CHARS, full.blockTextLength() / 2);
        SlackMessage small = SlackMessage.render(notification, mention, smaller);
        log.debug("Slack refused a message of {} characters as too long ({}); sending one of {}",
                full.blockTextLength(), SlackErrors.BLOCKS_TOO_LONG, small.blockTextLength());
        Attempt second = transport.post(small, notification.deadline());
        if (!second.tooLong()) {
            return second.result();
        }
        return DeliveryResult.permanent("Slack refused the message as too long (" + SlackErrors.BLOCKS_TOO_LONG
                + ") even when cut from " + full.blockTextLength() + " to " + small.blockTextLength() + " characters: "
                + "this is a bug in mfa-monitor's Slack notifier; please report it with the log");
    }

    /** Closes the HTTP client; never throws. */
    @Override
    public void close() {
        transport.close();
    }
}
