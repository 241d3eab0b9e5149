package dev.mfamonitor.notifier.webhook;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Canary values in every secret place (signing secret, a header value, the URL's path and query) must never reach a
 * log line, an exception message, or the notifier's string form, on any path: retries, permanent failures, a receiver
 * that echoes the request back, redirects, a dead receiver, bad configuration.
 */
class SecretsNeverLeakTest {
    private static final String SECRET_CANARY = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("canary-signing-secret-5d1b8e2f9a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    private static final String HEADER_CANARY = "canary-header-token-0c4a77";
    private static final String PATH_CANARY = "canary-path-token-93be1d";
    private static final String QUERY_CANARY = "canary-query-token-6f02aa";
    private static final List<String> CANARIES = List.of(SECRET_CANARY, HEADER_CANARY, PATH_CANARY, QUERY_CANARY);

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<String> seen = new ArrayList<>();
    private FakeWebhookReceiver receiver;
    private Notifier notifier;

    @BeforeEach
    void start() throws Exception {
        logs.start();
        root().addAppender(logs);
        root().setLevel(ch.qos.logback.classic.Level.DEBUG);
        receiver = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(SECRET_CANARY));
        notifier = TestSupport.create(Map.of(
                "url", receiver.url("/hooks/" + PATH_CANARY + "?token=" + QUERY_CANARY),
                "secret", SECRET_CANARY,
                "headers", Map.of("Authorization", "Bearer " + HEADER_CANARY)));
        seen.add(notifier.toString());
    }

    @AfterEach
    void stop() {
        notifier.close();
        receiver.close();
        root().detachAppender(logs);
        root().setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @Test
    void noPathOfDeliveryShowsASecret() {
        String echo = "you sent Authorization: Bearer " + HEADER_CANARY + " to /hooks/" + PATH_CANARY + "?token=" + QUERY_CANARY;
        receiver.enqueue(Answer.status(500).withBody(echo), Answer.status(401).withBody(echo));
        attempt(Duration.ofSeconds(30));

        receiver.enqueue(Answer.status(400).withBody("token=" + QUERY_CANARY + " path /hooks/" + PATH_CANARY));
        attempt(Duration.ofSeconds(30));

        receiver.enqueue(Answer.redirect(302, receiver.url("/moved/" + PATH_CANARY + "?token=" + QUERY_CANARY)));
        attempt(Duration.ofSeconds(30));

        receiver.answerByDefault(Answer.status(503).withBody(echo).withRetryAfter("0"));
        attempt(Duration.ofMillis(200));

        receiver.goDown();
        attempt(Duration.ofMillis(200));

        receiver.comeUp();
        receiver.answerByDefault(Answer.status(200));
        attempt(Duration.ofSeconds(30));

        assertThat(receiver.accepted()).as("the last delivery went through, with the secrets on the wire").hasSize(1);
        assertThat(receiver.accepted().get(0).header("authorization")).hasValue("Bearer " + HEADER_CANARY);
        assertThat(logs.list).as("log lines written").isNotEmpty();
        assertNoCanary();
    }

    /**
     * Issue 12 item 17: a secret the quoted part of an answer would cut (at 200 characters, or at the old 4,096-byte
     * peek) is redacted before the cut, so that not even its first characters survive.
     */
    @Test
    void aSecretWhereTheAnswerIsCutIsRedactedBeforeTheCut() {
        for (int before : new int[] {190, 195, 198, 4_090}) {
            receiver.enqueue(Answer.status(400).withBody("y".repeat(before) + HEADER_CANARY + " and more"));
            attempt(Duration.ofSeconds(30));
        }

        assertThat(seen).as("reasons collected").hasSizeGreaterThanOrEqualTo(5);
        for (String text : seen) {
            assertThat(text).as("a reason").doesNotContain(HEADER_CANARY.substring(0, 7));
        }
    }

    @Test
    void noConfigurationErrorShowsASecret() {
        List<Map<String, Object>> bad = List.of(
                Map.of("url", "https://siem.example.com/x", "secret", SECRET_CANARY.substring(0, 20)),
                Map.of("url", "https://siem.example.com/x", "secret", SECRET_CANARY.substring(6)),
                Map.of("url", "https://siem.example.com/x", "secret", "whsec_" + SECRET_CANARY),
                Map.of("url", "https://siem.example.com/x", "headers", Map.of("X-Token", HEADER_CANARY + "\n")),
                Map.of("url", "htps:/siem.example.com/" + PATH_CANARY),
                Map.of("url", "http://siem.example.com/" + PATH_CANARY + "?t=" + QUERY_CANARY),
                Map.of("url", "https://" + PATH_CANARY + ":" + QUERY_CANARY + "@siem.example.com/"));
        for (Map<String, Object> values : bad) {
            Throwable error = catchThrowable(() -> TestSupport.create(values).close());
            assertThat(error).as("configuration %s is refused", values.keySet()).isNotNull();
            record(error);
        }
        assertNoCanary();
    }

    private void attempt(Duration within) {
        Notification notification = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Deadline.after(within, System::nanoTime));
        DeliveryResult result = notifier.send(notification);
        if (result instanceof DeliveryResult.Transient failure) {
            seen.add(failure.reason());
        } else if (result instanceof DeliveryResult.Permanent failure) {
            seen.add(failure.reason());
        }
    }

    private void record(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            seen.add(t.toString());
        }
    }

    private void assertNoCanary() {
        for (ILoggingEvent event : logs.list) {
            seen.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                seen.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(seen).as("what was shown").isNotEmpty();
        for (String text : seen) {
            for (String canary : CANARIES) {
                assertThat(text).as("a message or log line").doesNotContain(canary);
            }
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
