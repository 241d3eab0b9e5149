package dev.mfamonitor.notifier.teams;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.teams.FakeTeams;
import dev.mfamonitor.testkit.teams.FakeTeams.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What each answer of a Workflows webhook comes to, and what the person who reads the reason is told to do. */
class TeamsDeliveryTest {
    private static final String NAME = "notifier 'security-teams' (type teams)";
    private final FakeTeams teams = FakeTeams.start();

    @AfterEach
    void everyCardIsValidAndTheFakeStops() {
        try {
            TeamsTestSupport.assertEveryCardValid(teams);
        } finally {
            teams.close();
        }
    }

    private DeliveryResult sendOnce() {
        try (TeamsNotifier notifier = TeamsTestSupport.create(teams)) {
            return notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        }
    }

    @Test
    void a202IsDeliveredAndTheFlowPostsTheCard() {
        assertThat(sendOnce()).isEqualTo(DeliveryResult.delivered());
        assertThat(teams.requests()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(202));
        assertThat(teams.postedCards()).hasSize(1);
    }

    @Test
    void a200AsALegacyReceiverAnswersIsDelivered() {
        teams.enqueue(Reply.raw(200, "1"));
        assertThat(sendOnce()).isEqualTo(DeliveryResult.delivered());
    }

    @Test
    void a429IsTransientWithTheWaitItAskedFor() {
        teams.enqueue(Reply.rateLimited(42));
        assertThat(sendOnce()).isEqualTo(DeliveryResult.retryAfter(NAME + ": the Workflows webhook is rate limiting "
                + "(429 WorkflowRequestsThrottled); it asked to wait 42 s; the events stay pending", Duration.ofSeconds(42)));
    }

    @Test
    void serverErrorsAndA408AreTransient() {
        teams.enqueue(Reply.serverError(), Reply.raw(503, "<html>busy</html>"), Reply.raw(408, ""));
        assertThat(sendOnce()).isEqualTo(DeliveryResult.retry(NAME + ": the Workflows webhook answered 502 BadGateway; "
                + "the events stay pending and are sent again"));
        assertThat(sendOnce()).isEqualTo(DeliveryResult.retry(NAME + ": the Workflows webhook answered 503; the events "
                + "stay pending and are sent again"));
        assertThat(sendOnce()).isInstanceOf(DeliveryResult.Transient.class);
    }

    @Test
    void aDeletedWorkflowIsPermanentAndSaysToCreateItAgain() {
        teams.enqueue(Reply.workflowNotFound());
        assertThat(sendOnce()).isEqualTo(DeliveryResult.permanent(NAME + ": no workflow answers at that URL (404 "
                + "WorkflowNotFound): the workflow was deleted or its URL rotated; create it again in the channel "
                + "(template 'Post to a channel when a webhook request is received') and put its URL where webhookUrl "
                + "reads it"));
    }

    @Test
    void aRotatedSignatureIsPermanentAndSaysToCopyTheUrlAgain() {
        // The real answer of the fake to a signature it does not know.
        String rotated = teams.webhookUrl().replace("sig=" + teams.signature(), "sig=anOldSignature0123456789");
        DeliveryResult result;
        try (TeamsNotifier notifier = TeamsTestSupport.create(TeamsTestSupport.urlConfig(rotated, Map.of()),
                TeamsTestSupport.context(teams).withSecretValues(rotated))) {
            result = notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        }
        assertThat(result).isEqualTo(DeliveryResult.permanent(NAME + ": the flow refused the URL's signature (401 "
                + "DirectApiInvalidAuthorizationSignature): the URL was rotated, copied incompletely (it must keep its "
                + "'sig' parameter), or the flow is turned off or its owner left; turn the flow on, or open the workflow "
                + "in Teams (Workflows app, or the channel's 'Workflows' menu), copy the URL of its trigger 'When a Teams "
                + "webhook request is received' and put it where webhookUrl reads it"));
        assertThat(teams.runs()).isEmpty();
    }

    @Test
    void aBadRequestAndAForbiddenArePermanentWithWhatToFix() {
        teams.enqueue(Reply.error(400, "TriggerInputSchemaMismatch", "did not match its schema definition"),
                Reply.error(403, "WorkflowDisabled", "The workflow is disabled."), Reply.raw(413, "too large"),
                Reply.raw(418, ""));
        assertThat(reason(sendOnce())).isEqualTo(NAME + ": the flow refused the request (400 TriggerInputSchemaMismatch): "
                + "its trigger expects another body, so it was edited or is not made from the template 'Post to a "
                + "channel when a webhook request is received'; create the workflow again from that template and "
                + "update webhookUrl");
        assertThat(reason(sendOnce())).startsWith(NAME + ": the flow refused the URL's signature (403 WorkflowDisabled)");
        assertThat(reason(sendOnce())).startsWith(NAME + ": the request was too large (413): this is a bug");
        assertThat(reason(sendOnce())).isEqualTo(NAME + ": the Workflows webhook refused the request (418); sending it "
                + "again cannot help: check the workflow's run history in Power Automate");
    }

    @Test
    void aRedirectIsNotFollowed() {
        teams.enqueue(Reply.raw(302, "").withHeader("Location", "https://elsewhere.example/collect"));
        assertThat(reason(sendOnce())).startsWith(NAME + ": the Workflows webhook answered a redirect (302), which is "
                + "not followed");
        assertThat(teams.requests()).hasSize(1);
    }

    @Test
    void aWorkflowThatHangsIsATransientFailureByTheDeadline() {
        teams.enqueue(Reply.noAnswer());
        DeliveryResult result;
        try (TeamsNotifier notifier = TeamsTestSupport.create(teams)) {
            result = notifier.send(Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                    Deadline.after(Duration.ofMillis(300), System::nanoTime)));
        }
        assertThat(reason(result)).startsWith(NAME + ": the Workflows webhook did not answer within ");
        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
    }

    @Test
    void aDeadlineThatHasPassedSendsNothing() {
        DeliveryResult result;
        try (TeamsNotifier notifier = TeamsTestSupport.create(teams)) {
            result = notifier.send(Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                    Deadline.after(Duration.ZERO, System::nanoTime)));
        }
        assertThat(result).isEqualTo(DeliveryResult.retry(NAME + ": the card was not sent: the delivery deadline had "
                + "passed"));
        assertThat(teams.requests()).isEmpty();
    }

    /**
     * Why the card is kept small: Workflows answers 202 to a card over Teams' limit and the flow fails afterwards,
     * so the sender never learns of it. A body the notifier would never send shows the fake behaves so.
     */
    @Test
    void aCardOverTeamsLimitIsAcceptedWith202AndThenFailsSilently() throws Exception {
        String oversize = TeamsCard.render(NotifierContract.notificationOf(NotifierContract.sampleEvents())).json()
                .replace("\"mfa-monitor: 4 events\"", "\"" + "x".repeat(FakeTeams.MAX_MESSAGE_BYTES) + "\"");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(teams.webhookUrl()))
                .POST(HttpRequest.BodyPublishers.ofString(oversize)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(teams.runs()).singleElement().satisfies(run -> assertThat(run.failure()).hasValueSatisfying(
                why -> assertThat(why).startsWith("Request Entity too large")));
        assertThat(teams.postedCards()).isEmpty();
        assertThat(TeamsCard.render(NotifierContract.notificationOf(NotifierContract.sampleEvents())).bytes())
                .isLessThan(TeamsCard.MAX_BODY_BYTES);
    }

    private static String reason(DeliveryResult result) {
        if (result instanceof DeliveryResult.Transient failure) {
            return failure.reason();
        }
        if (result instanceof DeliveryResult.Permanent failure) {
            return failure.reason();
        }
        return Optional.<String>empty().orElseThrow(() -> new AssertionError("expected a failure, got " + result));
    }
}
