package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.DeliveryException;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.mfamonitor.notifier.webhook.TestSupport.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How Retry-After is honoured: never a tight loop, never sooner than asked. */
class RetryAfterTest {
    private final FakeWebhookReceiver receiver;

    RetryAfterTest() throws IOException {
        receiver = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(SECRET));
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    /** 503 with Retry-After: 0 (or a past HTTP-date) waits the backoff, not zero. */
    @Test
    void retryAfterZeroDoesNotHammerTheReceiver() throws Exception {
        receiver.answerByDefault(Answer.status(503).withRetryAfter("0"));
        Notification notification = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Instant.now().plusSeconds(2));
        try (Notifier notifier = TestSupport.create(Map.of("url", receiver.url(), "secret", SECRET),
                Backoff.standard(), Clock.systemUTC())) {
            assertThatThrownBy(() -> notifier.deliver(notification)).isInstanceOf(DeliveryException.class);
        }
        // Standard backoff (0.5 s doubling) allows about 3 tries in 2 s, and OkHttp itself repeats a 503 that says
        // "Retry-After: 0" once per try; without the backoff floor it was over a thousand.
        assertThat(receiver.requests().size()).as("requests sent in 2 s").isLessThanOrEqualTo(8);
    }

    /** A Retry-After longer than the backoff maximum ends the delivery for this run instead of asking again too soon. */
    @Test
    void aRetryAfterLongerThanTheCapIsNotCutShort() throws Exception {
        receiver.enqueue(Answer.status(429).withRetryAfter("120"));
        Notification notification = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Instant.now().plusSeconds(60));
        try (Notifier notifier = TestSupport.create(Map.of("url", receiver.url(), "secret", SECRET),
                new Backoff(Duration.ofMillis(2), Duration.ofMillis(10)), Clock.systemUTC())) {
            try {
                notifier.deliver(notification);
            } catch (DeliveryException expected) {
                // leaving the events pending is the right outcome
            }
        }
        assertThat(receiver.requests()).as("no second request before the 120 s the receiver asked for").hasSize(1);
    }
}
