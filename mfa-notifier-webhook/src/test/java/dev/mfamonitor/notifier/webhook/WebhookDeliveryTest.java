package dev.mfamonitor.notifier.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.Answer;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.ReceivedRequest;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.SignatureCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.mfamonitor.notifier.webhook.TestSupport.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/** What a receiver sees, and what one attempt comes to for each answer. The engine retries; the notifier never does. */
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

    private static Notification notification() {
        return NotifierContract.notificationOf(NotifierContract.sampleEvents());
    }

    @Test
    void aDeliveryIsOneSignedJsonPostWithTheStandardWebhooksHeaders() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET, "headers", Map.of("X-Tenant", "acme")));
        Notification notification = notification();

        assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.delivered());

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
                + "\"previousStatus\":\"ENABLED\",\"currentStatus\":\"DISABLED\",\"at\":\"2026-03-02T09:00:00Z\",\"detail\":\"\","
                + "\"notifierId\":null,\"carried\":[]}");
        JsonNode failure = body.get("events").get(3);
        assertThat(failure.get("type").asText()).isEqualTo("MONITOR_FAILED");
        assertThat(failure.get("account").isNull()).isTrue();
        assertThat(failure.get("previousStatus").isNull()).isTrue();
        assertThat(failure.get("detail").asText()).startsWith("IAM answered AccessDenied");
    }

    /** Issue 12 item 48: machine payloads keep the order of occurrence; a receiver applying them in order ends right. */
    @Test
    void eventsKeepTheOrderOfTheNotificationAndAreNeverSortedBySeverity() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        Account dave = new Account("7", "dave", "member", MfaStatus.DISABLED);
        ChangeEvent olderEnabled = ChangeEvent.builder(EventType.MFA_ENABLED, "github-acme", "github",
                NotifierContract.SAMPLE_TIME).account(dave.withMfa(MfaStatus.ENABLED)).previous(MfaStatus.DISABLED).build();
        ChangeEvent newerDisabled = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github",
                NotifierContract.SAMPLE_TIME.plusSeconds(3600)).account(dave).previous(MfaStatus.ENABLED).build();
        ChangeEvent baseline = NotifierContract.sourceEvent("aws-prod", "aws", EventType.BASELINE, "b", "1 account");

        assertThat(notifier.send(NotifierContract.notificationOf(List.of(baseline, olderEnabled, newerDisabled))))
                .isEqualTo(DeliveryResult.delivered());

        JsonNode events = TestSupport.parse(receiver.acceptedBodies().get(0)).get("events");
        assertThat(events).extracting(e -> e.get("type").asText())
                .containsExactly("BASELINE", "MFA_ENABLED", "MFA_DISABLED");
    }

    /** A DELIVERY_ABANDONED notice names the notifier and carries the events it was never told, in full. */
    @Test
    void anAbandonmentNoticeCarriesTheNotifierAndTheEvents() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        ChangeEvent lost = NotifierContract.sampleEvents().get(0);
        ChangeEvent notice = ChangeEvent.builder(EventType.DELIVERY_ABANDONED, "", "mfa-monitor",
                NotifierContract.SAMPLE_TIME).notifierId("pager").carried(List.of(lost))
                .detail("1 event(s) for notifier 'pager' could not be delivered within 72h").build();

        assertThat(notifier.send(NotifierContract.notificationOf(List.of(notice)))).isEqualTo(DeliveryResult.delivered());

        String body = receiver.acceptedBodies().get(0);
        JsonNode event = TestSupport.parse(body).get("events").get(0);
        assertThat(event.get("notifierId").asText()).isEqualTo("pager");
        assertThat(event.get("carried")).hasSize(1);
        assertThat(event.get("carried").get(0).get("id").asText()).isEqualTo(lost.id());
        assertThat(event.get("carried").get(0).get("account").get("name").asText()).isEqualTo("carol");
        assertThat(TestSupport.violations(TestSupport.schema(), body)).isEmpty();
    }

    @Test
    void withoutASecretRequestsCarryIdAndTimestampButNoSignature() {
        Notifier notifier = notifier(Map.of("url", receiver.url()));

        assertThat(notifier.send(notification())).isEqualTo(DeliveryResult.delivered());

        ReceivedRequest request = receiver.requests().get(0);
        assertThat(request.header("webhook-signature")).isEmpty();
        assertThat(request.header("webhook-id")).isPresent();
        assertThat(request.signature()).isEqualTo(SignatureCheck.MISSING);
    }

    @Test
    void aWrongSecretIsCaughtByTheReceiver() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret",
                "whsec_" + java.util.Base64.getEncoder().encodeToString("another-secret-of-enough-bytes".getBytes())));

        notifier.send(notification());

        assertThat(receiver.requests()).extracting(ReceivedRequest::signature).containsExactly(SignatureCheck.INVALID);
    }

    @Test
    void everyAttemptKeepsTheWebhookIdAndIsSignedWithItsOwnTimestamp() {
        Map<String, Object> values = Map.of("url", receiver.url(), "secret", SECRET);
        TestContext context = TestSupport.context(values);
        Notifier notifier = notifier(values, context);
        Notification notification = notification();
        receiver.enqueue(Answer.status(503), Answer.status(500), Answer.status(200));

        // The engine's retries: three attempts, time passing between them.
        assertThat(notifier.send(notification)).isInstanceOf(DeliveryResult.Transient.class);
        context.advance(Duration.ofSeconds(2));
        assertThat(notifier.send(notification)).isInstanceOf(DeliveryResult.Transient.class);
        context.advance(Duration.ofSeconds(5));
        assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.delivered());

        List<ReceivedRequest> requests = receiver.requests();
        assertThat(requests).extracting(ReceivedRequest::status).containsExactly(503, 500, 200);
        assertThat(requests).extracting(r -> r.header("webhook-id").orElseThrow()).containsOnly(notification.id());
        assertThat(requests).extracting(r -> r.header("webhook-timestamp").orElseThrow())
                .containsExactly("1772442007", "1772442009", "1772442014");
        assertThat(requests).extracting(ReceivedRequest::signature).containsOnly(SignatureCheck.VALID);
        assertThat(requests).extracting(ReceivedRequest::body).containsOnly(requests.get(0).body());
    }

    /** Every status from 200 to 599 as the receiver's answer: delivered, transient or permanent, after one request. */
    @Test
    void everyStatusFrom200To599IsClassified() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        Map<Integer, String> wrong = new TreeMap<>();
        for (int status = 200; status <= 599; status++) {
            String expected = status <= 299 ? "Delivered"
                    : status == 408 || status == 429 || status >= 500 ? "Transient" : "Permanent";
            receiver.reset();
            receiver.enqueue(Answer.status(status));
            DeliveryResult result = notifier.send(notification());
            String observed = result.getClass().getSimpleName();
            if (!observed.equals(expected) || receiver.requests().size() != 1) {
                wrong.put(status, observed + " after " + receiver.requests().size() + " requests (expected " + expected + ")");
            }
        }
        assertThat(wrong).as("statuses handled against the rules").isEmpty();
    }

    @Test
    void retryAfterIsReadFromSecondsAndFromAnHttpDate() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        receiver.enqueue(Answer.status(429).withRetryAfter("120"),
                Answer.status(503).withRetryAfter("Mon, 02 Mar 2026 09:01:07 GMT"), Answer.status(503).withRetryAfter("soon"));

        assertThat(((DeliveryResult.Transient) notifier.send(notification())).retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(((DeliveryResult.Transient) notifier.send(notification())).retryAfter()).contains(Duration.ofSeconds(60));
        assertThat(((DeliveryResult.Transient) notifier.send(notification())).retryAfter()).isEmpty();
    }

    @Test
    void aTransientFailureSaysWhatTheReceiverAnswered() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        receiver.enqueue(Answer.status(503).withBody("down for maintenance\n\u001b[2Jnow").withRetryAfter("30"));
        Notification notification = notification();

        assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.retryAfter("notifier 'siem' (type webhook): "
                + "delivery " + notification.id() + " to " + receiver.url("") + " failed: the receiver answered 503 "
                + "'down for maintenance [2Jnow' and asked to retry after 30 s; the events stay pending",
                Duration.ofSeconds(30)));
    }

    @Test
    void aPermanentFailureSaysWhatTheReceiverAnsweredAndWhatToDo() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        receiver.enqueue(Answer.status(401).withBody("{\"error\":\"bad signature\"}"));
        Notification notification = notification();

        assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.permanent("notifier 'siem' (type webhook): "
                + "delivery " + notification.id() + " to " + receiver.url("") + " failed: the receiver answered 401 "
                + "'{\"error\":\"bad signature\"}'; the receiver refused the credentials: check the signing secret and "
                + "the headers it expects"));
    }

    @Test
    void aRedirectIsNeverFollowed() throws Exception {
        try (FakeWebhookReceiver elsewhere = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(SECRET))) {
            Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
            for (int status : new int[] {301, 302, 303, 307, 308}) {
                receiver.reset();
                receiver.enqueue(Answer.redirect(status, elsewhere.url("/stolen?token=x")));

                DeliveryResult result = notifier.send(notification());

                assertThat(result).as("%s is permanent", status).isInstanceOf(DeliveryResult.Permanent.class);
                assertThat(((DeliveryResult.Permanent) result).reason()).endsWith("failed: the receiver answered " + status
                        + " (a redirect to " + elsewhere.url("") + "); redirects are never followed: set url to the "
                        + "address the receiver really serves");
                assertThat(receiver.requests()).as("requests to the configured url").hasSize(1);
            }
            assertThat(elsewhere.requests()).as("requests to the redirect target").isEmpty();
        }
    }

    @Test
    void aReceiverSlowerThanTheDeadlineEndsTheAttemptByIt() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        receiver.enqueue(Answer.status(200).after(Duration.ofSeconds(3)));
        Notification soon = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Deadline.after(Duration.ofMillis(300), System::nanoTime));

        long start = System.nanoTime();
        DeliveryResult result = notifier.send(soon);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_800));
        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) result).reason()).contains("the receiver could not be reached (");
    }

    @Test
    void aLargeRunIsSplitIntoSignedRequestsThatEachMatchTheSchema() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET, "maxEventsPerRequest", 100));
        List<ChangeEvent> events = manyEvents(250);
        Notification notification = NotifierContract.notificationOf(events);

        assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.delivered());

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

        // The next attempt cuts the same events the same way: the same ids, so the receiver can drop what it has.
        receiver.reset();
        notifier.send(NotifierContract.notificationOf(events));
        assertThat(receiver.accepted()).extracting(r -> r.header("webhook-id").orElseThrow()).containsExactly(
                notification.id() + "_p1of3", notification.id() + "_p2of3", notification.id() + "_p3of3");
    }

    @Test
    void aPartThatFailsStopsTheRestAndFailsTheAttempt() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET, "maxEventsPerRequest", 100));
        receiver.enqueue(Answer.status(200), Answer.status(413));

        DeliveryResult result = notifier.send(NotifierContract.notificationOf(manyEvents(250)));

        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(((DeliveryResult.Permanent) result).reason()).contains(": part 2 of 3 (msg_")
                .endsWith("failed: the receiver answered 413; the body was too large: lower maxEventsPerRequest (now 100)");
        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    void aReceiverThatIsDownIsTransientAndTheSameIdGoesOutOnceItIsBack() {
        Notifier notifier = notifier(Map.of("url", receiver.url(), "secret", SECRET));
        Notification notification = notification();
        receiver.goDown();

        DeliveryResult down = notifier.send(notification);

        assertThat(down).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) down).reason()).contains("failed: the receiver could not be reached (");
        receiver.comeUp();
        assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.delivered());
        assertThat(receiver.requests()).extracting(r -> r.header("webhook-id").orElseThrow()).containsOnly(notification.id());
        assertThat(receiver.accepted()).hasSize(1);
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
        return notifier(values, TestSupport.context(values));
    }

    private Notifier notifier(Map<String, ?> values, TestContext context) {
        Notifier notifier = TestSupport.create(values, context);
        notifiers.add(notifier);
        return notifier;
    }
}
