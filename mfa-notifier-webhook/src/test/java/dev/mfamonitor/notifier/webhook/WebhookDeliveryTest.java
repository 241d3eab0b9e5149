package dev.mfamonitor.notifier.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryException;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.Answer;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.ReceivedRequest;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.SignatureCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.mfamonitor.notifier.webhook.TestSupport.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What a receiver sees, and what the notifier does with each answer. */
class WebhookDeliveryTest {
    private final FakeWebhookReceiver receiver;
    private final List<Notifier> notifiers = new ArrayList<>();

    WebhookDeliveryTest() throws IOException {
        receiver = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(SECRET));
    }

    @AfterEach
    void close() {
        notifiers.forEach(Notifier::close);
        receiver.close();
    }

    @Test
    void aDeliveryIsOneSignedJsonPostWithTheStandardWebhooksHeaders() throws Exception {
        Instant now = Instant.parse("2026-03-02T09:00:07Z");
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET,
                "headers", Map.of("X-Tenant", "acme")), TestSupport.FAST, Clock.fixed(now, java.time.ZoneOffset.UTC));
        Notification notification = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                now.plusSeconds(60));

        notifier.deliver(notification);

        assertThat(receiver.requests()).hasSize(1);
        ReceivedRequest request = receiver.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(FakeWebhookReceiver.PATH);
        assertThat(request.header("content-type")).hasValue("application/json");
        assertThat(request.header("webhook-id")).hasValue(notification.id());
        assertThat(request.header("webhook-timestamp")).hasValue("1772442007");
        assertThat(request.header("x-tenant")).hasValue("acme");
        assertThat(request.signature()).isEqualTo(SignatureCheck.VALID);

        JsonNode body = TestSupport.parse(request.body());
        assertThat(body.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(body.get("deliveryId").asText()).isEqualTo(notification.id());
        assertThat(body.get("notificationId").asText()).isEqualTo(notification.id());
        assertThat(body.get("run").get("at").asText()).isEqualTo("2026-03-02T09:00:00Z");
        assertThat(body.get("run").get("monitors").toString()).isEqualTo("[\"aws-prod\",\"github-acme\"]");
        assertThat(body.get("part").toString()).isEqualTo("{\"index\":1,\"count\":1,\"totalEvents\":4}");
        JsonNode first = body.get("events").get(0);
        ChangeEvent carol = NotifierContract.sampleEvents().get(0);
        assertThat(first.toString()).isEqualTo("{\"id\":\"" + carol.id() + "\",\"type\":\"MFA_DISABLED\","
                + "\"title\":\"MFA disabled\",\"severity\":\"HIGH\",\"monitor\":\"github-acme\",\"service\":\"github\","
                + "\"account\":{\"id\":\"1001\",\"name\":\"carol\",\"kind\":\"member\",\"scope\":\"\",\"facts\":{}},"
                + "\"previousStatus\":\"ENABLED\",\"currentStatus\":\"DISABLED\",\"at\":\"2026-03-02T09:00:00Z\",\"detail\":\"\"}");
        JsonNode failure = body.get("events").get(3);
        assertThat(failure.get("type").asText()).isEqualTo("MONITOR_FAILED");
        assertThat(failure.get("account").isNull()).isTrue();
        assertThat(failure.get("previousStatus").isNull()).isTrue();
        assertThat(failure.get("detail").asText()).startsWith("IAM answered AccessDenied");
    }

    @Test
    void withoutASecretRequestsCarryIdAndTimestampButNoSignature() throws Exception {
        Notifier notifier = notifier(Map.of("url", receiver.url()));

        notifier.deliver(NotifierContract.notificationOf(NotifierContract.sampleEvents()));

        ReceivedRequest request = receiver.requests().get(0);
        assertThat(request.header("webhook-signature")).isEmpty();
        assertThat(request.header("webhook-id")).isPresent();
        assertThat(request.signature()).isEqualTo(SignatureCheck.MISSING);
    }

    @Test
    void aWrongSecretIsCaughtByTheReceiver() throws Exception {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", "another-secret-of-enough-bytes"));

        notifier.deliver(NotifierContract.notificationOf(NotifierContract.sampleEvents()));

        assertThat(receiver.requests()).extracting(ReceivedRequest::signature).containsExactly(SignatureCheck.INVALID);
    }

    @Test
    void retriesKeepTheWebhookIdAndSignEachAttemptWithItsOwnTimestamp() throws Exception {
        Instant start = Instant.parse("2026-03-02T09:00:00Z");
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET), TestSupport.FAST,
                new TestSupport.SteppingClock(start));
        Notification notification = Notification.of(start, NotifierContract.sampleEvents(), start.plusSeconds(3600));
        receiver.enqueue(Answer.status(503), Answer.status(500), Answer.status(200));

        notifier.deliver(notification);

        List<ReceivedRequest> requests = receiver.requests();
        assertThat(requests).extracting(ReceivedRequest::status).containsExactly(503, 500, 200);
        assertThat(requests).extracting(r -> r.header("webhook-id").orElseThrow()).containsOnly(notification.id());
        assertThat(requests).extracting(r -> r.header("webhook-timestamp").orElseThrow()).doesNotHaveDuplicates();
        assertThat(requests).extracting(ReceivedRequest::signature).containsOnly(SignatureCheck.VALID);
        assertThat(requests).extracting(ReceivedRequest::body).containsOnly(requests.get(0).body());
    }

    /**
     * Every status from 200 to 599, as the receiver's first answer (later answers are 200): delivered at once, retried,
     * or a permanent failure after one request.
     */
    @Test
    void everyStatusFrom200To599IsClassified() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        Map<Integer, String> expected = new TreeMap<>();
        Map<Integer, String> observed = new TreeMap<>();
        for (int status = 200; status <= 599; status++) {
            expected.put(status, status <= 299 ? "delivered"
                    : status == 408 || status == 429 || status >= 500 ? "retried" : "permanent");
            receiver.reset();
            receiver.enqueue(Answer.status(status));
            String outcome;
            try {
                notifier.deliver(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
                outcome = receiver.requests().size() == 1 ? "delivered" : receiver.requests().size() == 2 ? "retried"
                        : "delivered after " + receiver.requests().size() + " requests";
            } catch (DeliveryException e) {
                outcome = e.permanent() && receiver.requests().size() == 1 ? "permanent"
                        : "failed (permanent=" + e.permanent() + ") after " + receiver.requests().size() + ": " + e.getMessage();
            }
            observed.put(status, outcome);
        }

        Map<Integer, String> wrong = new TreeMap<>();
        observed.forEach((status, outcome) -> {
            if (!outcome.equals(expected.get(status))) {
                wrong.put(status, outcome + " (expected " + expected.get(status) + ")");
            }
        });
        assertThat(wrong).as("statuses handled against the rules").isEmpty();
        assertThat(observed).hasSize(400);
    }

    @Test
    void aPermanentFailureSaysWhatTheReceiverAnsweredAndWhatToDo() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        receiver.enqueue(Answer.status(401).withBody("{\"error\":\"bad signature\"}"));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> notifier.deliver(NotifierContract.notificationOf(NotifierContract.sampleEvents())));

        assertThat(e.permanent()).isTrue();
        String origin = receiver.url("");
        assertThat(e.getMessage()).startsWith("notifier 'siem' (type webhook): delivery msg_")
                .endsWith(" to " + origin + " failed: the receiver answered 401 '{\"error\":\"bad signature\"}'; the receiver"
                        + " refused the credentials: check the signing secret and the headers it expects");
    }

    @Test
    void aRedirectIsNeverFollowed() throws Exception {
        try (FakeWebhookReceiver elsewhere = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(SECRET))) {
            Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
            for (int status : new int[] {301, 302, 303, 307, 308}) {
                receiver.reset();
                receiver.enqueue(Answer.redirect(status, elsewhere.url("/stolen?token=x")));

                DeliveryException e = catchThrowableOfType(DeliveryException.class,
                        () -> notifier.deliver(NotifierContract.notificationOf(NotifierContract.sampleEvents())));

                assertThat(e.permanent()).as("%s is permanent", status).isTrue();
                assertThat(e.getMessage()).endsWith("failed: the receiver answered " + status + " (a redirect to "
                        + elsewhere.url("") + "); redirects are never followed: set url to the address the receiver really serves");
                assertThat(receiver.requests()).as("requests to the configured url").hasSize(1);
            }
            assertThat(elsewhere.requests()).as("requests to the redirect target").isEmpty();
        }
    }

    @Test
    void retryAfterIsHonouredEvenWhenItMeansGivingUpForThisRun() {
        // The standard backoff would retry within half a second and succeed; the server asked for two minutes,
        // which is past the deadline, so the notifier must stop and leave the events pending.
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET), Backoff.standard(), Clock.systemUTC());
        receiver.enqueue(Answer.status(429).withRetryAfter("120"), Answer.status(200));
        Notification notification = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Instant.now().plusSeconds(10));

        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> notifier.deliver(notification));

        assertThat(e.permanent()).isFalse();
        assertThat(e.getMessage()).contains("was not delivered by the run's deadline after 1 attempt(s); last: the receiver"
                + " answered 429 and asked to retry after 120 s. The events stay pending and are sent again in the next run");
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void aRetryAfterWithinTheDeadlineIsWaitedFor() throws Exception {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET), Backoff.standard(), Clock.systemUTC());
        receiver.enqueue(Answer.status(503).withRetryAfter("1"), Answer.status(200));

        notifier.deliver(NotifierContract.notificationOf(NotifierContract.sampleEvents()));

        assertThat(receiver.requests()).extracting(ReceivedRequest::status).containsExactly(503, 200);
    }

    @Test
    void aReceiverSlowerThanTheTimeoutIsRetried() throws Exception {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET, "timeout", "PT0.3S"));
        receiver.enqueue(Answer.status(200).after(Duration.ofSeconds(3)), Answer.status(200));

        notifier.deliver(NotifierContract.notificationOf(NotifierContract.sampleEvents()));

        List<ReceivedRequest> requests = receiver.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
    }

    @Test
    void aLargeRunIsSplitIntoSignedRequestsThatEachMatchTheSchema() throws Exception {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET, "maxEventsPerRequest", 100));
        List<ChangeEvent> events = manyEvents(250);
        Notification notification = NotifierContract.notificationOf(events);

        notifier.deliver(notification);

        List<ReceivedRequest> requests = receiver.accepted();
        assertThat(requests).extracting(r -> r.header("webhook-id").orElseThrow()).containsExactly(
                notification.id() + "_p1of3", notification.id() + "_p2of3", notification.id() + "_p3of3");
        assertThat(requests).extracting(ReceivedRequest::signature).containsOnly(SignatureCheck.VALID);
        Schema schema = TestSupport.schema();
        List<String> deliveredIds = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            String body = requests.get(i).body();
            assertThat(TestSupport.violations(schema, body)).as("schema violations of part %s", i + 1).isEmpty();
            JsonNode json = TestSupport.parse(body);
            assertThat(json.get("part").toString())
                    .isEqualTo("{\"index\":" + (i + 1) + ",\"count\":3,\"totalEvents\":250}");
            assertThat(json.get("deliveryId").asText()).isEqualTo(requests.get(i).header("webhook-id").orElseThrow());
            assertThat(json.get("notificationId").asText()).isEqualTo(notification.id());
            json.get("events").forEach(event -> deliveredIds.add(event.get("id").asText()));
        }
        assertThat(deliveredIds).containsExactlyElementsOf(events.stream().map(ChangeEvent::id).toList());
        assertThat(requests).extracting(r -> TestSupport.parse(r.body()).get("events").size()).containsExactly(100, 100, 50);

        // The next run cuts the same events the same way: the same ids, so the receiver can drop what it already has.
        receiver.reset();
        notifier.deliver(NotifierContract.notificationOf(events));
        assertThat(receiver.accepted()).extracting(r -> r.header("webhook-id").orElseThrow()).containsExactly(
                notification.id() + "_p1of3", notification.id() + "_p2of3", notification.id() + "_p3of3");
    }

    @Test
    void aPartThatFailsForGoodStopsTheRestAndFailsTheNotification() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET, "maxEventsPerRequest", 100));
        receiver.enqueue(Answer.status(200), Answer.status(413));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> notifier.deliver(NotifierContract.notificationOf(manyEvents(250))));

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains(": part 2 of 3 (msg_").endsWith("failed: the receiver answered 413;"
                + " the body was too large: lower maxEventsPerRequest (now 100)");
        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    void aReceiverDownForThreeRunsGetsTheEventsOnceInTheFourth() throws Exception {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        List<ChangeEvent> events = NotifierContract.sampleEvents();
        receiver.goDown();

        for (int run = 1; run <= 3; run++) {
            // Each run offers the same pending events again, with its own deadline.
            Notification pending = Notification.of(NotifierContract.SAMPLE_TIME, events, Instant.now().plusMillis(300));
            DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> notifier.deliver(pending));
            assertThat(e.permanent()).as("run %s failure is permanent", run).isFalse();
            assertThat(e.getMessage()).as("run %s", run).contains("was not delivered by the run's deadline after ")
                    .contains("last: the receiver could not be reached (")
                    .endsWith("The events stay pending and are sent again in the next run");
        }
        int attemptsWhileDown = receiver.requests().size();
        receiver.comeUp();

        Notification fourth = Notification.of(NotifierContract.SAMPLE_TIME, events, Instant.now().plusSeconds(60));
        notifier.deliver(fourth);

        assertThat(attemptsWhileDown).as("attempts while down").isGreaterThanOrEqualTo(3);
        assertThat(receiver.requests().subList(0, attemptsWhileDown)).extracting(ReceivedRequest::status).containsOnly(-1);
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(receiver.accepted().get(0).header("webhook-id")).hasValue(fourth.id());
        assertThat(receiver.requests()).extracting(r -> r.header("webhook-id").orElseThrow()).containsOnly(fourth.id());
    }

    @Test
    void aReceiverAlwaysFailingIsRetriedOnlyUntilTheDeadline() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        receiver.answerByDefault(Answer.status(502));
        Notification notification = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Instant.now().plusMillis(1500));

        assertThatThrownBy(() -> notifier.deliver(notification))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("last: the receiver answered 502.");
        assertThat(receiver.requests().size()).as("attempts").isGreaterThan(1);
    }

    private static List<ChangeEvent> manyEvents(int count) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("role", i % 2 == 0 ? "admin" : "member");
            Account account = new Account(String.valueOf(70_000 + i), "user-" + i, "member", MfaStatus.DISABLED, "", facts);
            events.add(NotifierContract.accountEvent("github-acme", "github", EventType.MFA_DISABLED, account,
                    Optional.of(MfaStatus.ENABLED)));
        }
        return events;
    }

    private Notifier notifier(Map<String, ?> values) {
        return notifier(values, TestSupport.FAST, Clock.systemUTC());
    }

    private Notifier notifier(Map<String, ?> values, Backoff backoff, Clock clock) {
        Notifier notifier = TestSupport.create(values, backoff, clock);
        notifiers.add(notifier);
        return notifier;
    }
}
