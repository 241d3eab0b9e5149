package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a notifier that sends over a network owes the engine when the channel fails, on top of {@link NotifierContract}:
 * <ul>
 * <li>a channel that is down (refused, dropped, a 503) is a {@linkplain DeliveryResult.Transient transient} failure,
 *     and a 429 carries the channel's {@code Retry-After}, so that the engine retries with its backoff;</li>
 * <li>a rejection (a 403, a 404) is {@linkplain DeliveryResult.Permanent permanent}: retrying it at once cannot
 *     help;</li>
 * <li>an attempt ends by the notification's {@link Notification#deadline()}, even against a channel that never
 *     answers;</li>
 * <li>no failure reason holds a secret of the configuration: not as is, URL-encoded, JSON-escaped, or as a bare path
 *     segment of a secret URL, even when the channel echoes it in every one of those forms.</li>
 * </ul>
 *
 * <pre>{@code
 * class WebhookNotifierContractTest extends NetworkNotifierContract {
 *     private final FakeWebhookReceiver receiver = FakeWebhookReceiver.start(key);
 *
 *     protected List<String> secrets() {                         // what the configuration holds as secrets
 *         return List.of(receiver.url(), SECRET);
 *     }
 *
 *     protected Notifier createNotifier() {                       // built with context(): its redactor knows secrets()
 *         return new WebhookNotifierProvider().create(config(receiver.url(), SECRET), context());
 *     }
 *
 *     protected void channelIsDown() { receiver.goDown(); }
 *     protected void channelAnswers(int status, String body, Optional<String> retryAfter) { ... }
 *     protected void channelNeverAnswers() { receiver.answerByDefault(Answer.noAnswer()); }
 *     ...
 * }
 * }</pre>
 *
 * <p>The channel answers with HTTP statuses; a channel that is not HTTP maps them to its own answers (an SMTP 4xx for
 * a 503, a 5xx for a 403).
 */
public abstract class NetworkNotifierContract extends NotifierContract {
    /** A deadline short enough for a test, long enough for a loopback round trip. */
    protected static final Duration SHORT_DEADLINE = Duration.ofMillis(400);
    /** How much later than its deadline an attempt may end (thread scheduling, closing the connection). */
    protected static final Duration DEADLINE_SLACK = Duration.ofMillis(1_500);

    private TestContext context;

    /**
     * Every secret value the configuration of {@link #createNotifier()} holds (a webhook URL, a token, a signing
     * secret, header values). The contract makes the channel echo each in every form and checks no failure reason
     * holds one. Use values of at least 16 characters with a {@code /}, a {@code +} or a {@code "} in them where the
     * channel allows, so that their encoded forms differ from the plain one.
     */
    protected abstract List<String> secrets();

    /** Makes the channel unreachable: connections refused or dropped without an answer. */
    protected abstract void channelIsDown() throws Exception;

    /**
     * Makes the channel answer every request with this HTTP status and body text (and {@code Retry-After} when given),
     * whatever was sent.
     */
    protected abstract void channelAnswers(int status, String body, java.util.Optional<String> retryAfter) throws Exception;

    /** Makes the channel accept connections and requests but never answer. */
    protected abstract void channelNeverAnswers() throws Exception;

    /**
     * The context {@link #createNotifier()} must give the provider: a {@link TestContext} whose redactor knows every
     * one of {@link #secrets()}, as the engine's knows every configured secret.
     */
    protected final TestContext context() {
        if (context == null) {
            context = TestContext.of("contract-notifier").withSecretValues(secrets().toArray(String[]::new));
        }
        return context;
    }

    private final List<Notifier> mine = new ArrayList<>();

    private Notifier notifierUnderTest() throws Exception {
        Notifier notifier = createNotifier();
        mine.add(notifier);
        return notifier;
    }

    @AfterEach
    void closeMine() throws Exception {
        for (Notifier notifier : mine) {
            notifier.close();
        }
    }

    @Test
    void aChannelThatIsDownIsATransientFailure() throws Exception {
        Notifier notifier = notifierUnderTest();
        channelIsDown();

        DeliveryResult result = notifier.send(notificationOf(sampleEvents()));

        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) result).reason()).as("reason").isNotBlank();
    }

    @Test
    void aServerErrorIsATransientFailure() throws Exception {
        Notifier notifier = notifierUnderTest();
        channelAnswers(503, "service unavailable", java.util.Optional.empty());

        DeliveryResult result = notifier.send(notificationOf(sampleEvents()));

        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) result).retryAfter()).isEmpty();
    }

    @Test
    void aRateLimitIsTransientAndCarriesRetryAfter() throws Exception {
        Notifier notifier = notifierUnderTest();
        channelAnswers(429, "rate_limited", java.util.Optional.of("17"));

        DeliveryResult result = notifier.send(notificationOf(sampleEvents()));

        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) result).retryAfter()).contains(Duration.ofSeconds(17));
    }

    @Test
    void aRejectionIsAPermanentFailure() throws Exception {
        Notifier notifier = notifierUnderTest();
        channelAnswers(403, "forbidden", java.util.Optional.empty());

        DeliveryResult result = notifier.send(notificationOf(sampleEvents()));

        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(((DeliveryResult.Permanent) result).reason()).as("reason").isNotBlank();
    }

    @Test
    void anAttemptEndsByTheDeadlineWhenTheChannelNeverAnswers() throws Exception {
        Notifier notifier = notifierUnderTest();
        channelNeverAnswers();
        Notification notification = Notification.of(SAMPLE_TIME, sampleEvents(),
                Deadline.after(SHORT_DEADLINE, System::nanoTime));

        long start = System.nanoTime();
        DeliveryResult result = notifier.send(notification);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(took).as("time the attempt took").isLessThan(SHORT_DEADLINE.plus(DEADLINE_SLACK));
    }

    @Test
    void noFailureReasonHoldsASecretInAnyForm() throws Exception {
        Notifier notifier = notifierUnderTest();
        String echo = String.join(" | ", formsOfSecrets());
        List<String> reasons = new ArrayList<>();
        for (int status : List.of(500, 503, 429, 400, 401, 403, 404, 410, 413, 422)) {
            channelAnswers(status, "{\"error\":\"" + echo + "\"} " + echo, java.util.Optional.empty());
            DeliveryResult result = notifier.send(notificationOf(sampleEvents()));
            assertThat(result).as("answer %d", status).isNotInstanceOf(DeliveryResult.Delivered.class);
            reasons.add(reasonOf(result));
        }
        channelIsDown();
        reasons.add(reasonOf(notifier.send(notificationOf(sampleEvents()))));

        for (String reason : reasons) {
            for (String form : formsOfSecrets()) {
                assertThat(reason).as("a failure reason").doesNotContain(form);
            }
        }
    }

    private static String reasonOf(DeliveryResult result) {
        if (result instanceof DeliveryResult.Transient failure) {
            return failure.reason();
        }
        if (result instanceof DeliveryResult.Permanent failure) {
            return failure.reason();
        }
        throw new AssertionError("expected a failure, got " + result);
    }

    /** Each secret as is, URL-encoded, JSON-escaped, and each long path segment of a secret URL. */
    private Set<String> formsOfSecrets() {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets()) {
            forms.add(secret);
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            forms.add(secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/"));
            if (secret.contains("://")) {
                String path = URI.create(secret).getRawPath();
                for (String segment : path == null ? new String[0] : path.split("/")) {
                    if (segment.length() >= 12) {
                        forms.add(segment);
                    }
                }
            }
        }
        return forms;
    }
}
