package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;
import dev.mfamonitor.testkit.slack.FakeSlack.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one attempt comes to for each kind of answer: delivered, transient (with Slack's Retry-After), or permanent
 * with what to fix. One request per attempt: the engine retries, the notifier never does.
 */
class SlackDeliveryTest {
    private final FakeSlack slack = FakeSlack.start();

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    private static Notification notification() {
        return NotifierContract.notificationOf(NotifierContract.sampleEvents());
    }

    private DeliveryResult viaWebhook() {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), slack)) {
            return notifier.send(notification());
        }
    }

    private DeliveryResult viaBot() {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.botConfig(slack, Map.of()), slack)) {
            return notifier.send(notification());
        }
    }

    @Test
    void a429IsTransientWithSlacksRetryAfterAndIsNotRetriedByTheNotifier() {
        slack.enqueue(Reply.rateLimited(7));

        assertThat(viaWebhook()).isEqualTo(DeliveryResult.retryAfter("Slack is rate limiting the webhook (429)",
                Duration.ofSeconds(7)));
        assertThat(slack.requests()).extracting(FakeSlack.Request::status).containsExactly(429);
    }

    @Test
    void chatPostMessageCarriesRetryAfterToo() {
        slack.enqueue(Reply.rateLimited(3));

        assertThat(viaBot()).isEqualTo(DeliveryResult.retryAfter("Slack is rate limiting chat.postMessage (429 "
                + "ratelimited)", Duration.ofSeconds(3)));
        assertThat(slack.requests()).hasSize(1);
    }

    @Test
    void aServerErrorIsTransientWithoutAWait() {
        slack.enqueue(Reply.serverError());

        assertThat(viaWebhook()).isEqualTo(DeliveryResult.retry("Slack answered 500 rollup_error"));
        slack.enqueue(Reply.serverError());
        assertThat(viaBot()).isEqualTo(DeliveryResult.retry("Slack answered chat.postMessage with 500 internal_error"));
        assertThat(slack.requests()).hasSize(2);
    }

    @Test
    void a200WhoseBodyIsNotOkIsNotDelivered() {
        slack.answerEveryRequestWith(Reply.raw(200, "<html>captive portal</html>"));

        assertThat(viaWebhook()).isEqualTo(DeliveryResult.retry("Slack answered 200 without 'ok' (unexpected answer)"));
        assertThat(viaBot()).isEqualTo(DeliveryResult.retry("Slack's answer to chat.postMessage (200) could not be read"));
    }

    @Test
    void aCallThatOutlastsTheDeadlineEndsByItAsTransient() {
        slack.enqueue(Reply.normal().after(Duration.ofSeconds(3)));
        Notification soon = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Deadline.after(Duration.ofMillis(300), System::nanoTime));

        long start = System.nanoTime();
        DeliveryResult result;
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), slack)) {
            result = notifier.send(soon);
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_800));
        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) result).reason()).startsWith("could not reach Slack: ");
    }

    @Test
    void aDeadlineThatHasPassedSendsNothing() {
        Notification late = Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Deadline.after(Duration.ZERO, System::nanoTime));

        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), slack)) {
            assertThat(notifier.send(late)).isEqualTo(
                    DeliveryResult.retry("the delivery deadline passed before the webhook was called"));
        }
        assertThat(slack.requests()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "invalid_token|Slack rejected the incoming webhook (403 invalid_token): it was revoked or its Slack app was removed; create a new incoming webhook and put its URL where webhookUrl reads it",
            "no_service|Slack does not know the incoming webhook (404 no_service): it was disabled or removed; create a new incoming webhook and put its URL where webhookUrl reads it",
            "channel_not_found|the incoming webhook's channel no longer exists (404 channel_not_found): create an incoming webhook for an existing channel and put its URL where webhookUrl reads it",
            "channel_is_archived|the incoming webhook's channel is archived (410 channel_is_archived): unarchive the channel, or create an incoming webhook for another one and update webhookUrl",
            "action_prohibited|Slack does not let the webhook post in its channel (403 action_prohibited): a workspace admin restricted posting there; ask them to allow the app, or use a webhook for another channel",
            "invalid_payload|Slack refused the message as invalid (400 invalid_payload): this is a bug in mfa-monitor's Slack notifier; please report it with the log",
            "team_disabled|Slack refused the incoming webhook (410 team_disabled): check that the webhook still exists and may post; create a new one and update webhookUrl if not",
    })
    void permanentWebhookErrorsArePermanentAndSayWhatToFix(String error, String message) {
        slack.answerEveryRequestWith(Reply.error(error));

        assertThat(viaWebhook()).isEqualTo(DeliveryResult.permanent(message));
        assertThat(slack.requests()).as("one request").hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "invalid_auth|Slack rejected the bot token (invalid_auth): it was revoked, expired or is not a bot token; put a valid bot token (xoxb-...) where 'token' reads it",
            "invalid_token|Slack rejected the bot token (invalid_token): it was revoked, expired or is not a bot token; put a valid bot token (xoxb-...) where 'token' reads it",
            "token_revoked|Slack rejected the bot token (token_revoked): it was revoked, expired or is not a bot token; put a valid bot token (xoxb-...) where 'token' reads it",
            "not_in_channel|the bot is not a member of channel 'C0FAKECHAN1' (not_in_channel): invite it there with /invite @your-app",
            "is_archived|channel 'C0FAKECHAN1' is archived (is_archived): unarchive it or change 'channel'",
            "channel_is_archived|channel 'C0FAKECHAN1' is archived (channel_is_archived): unarchive it or change 'channel'",
            "missing_scope|the bot token may not post messages (missing_scope): give the Slack app the chat:write scope and reinstall it in the workspace",
            "channel_not_found|Slack cannot find channel 'C0FAKECHAN1' (channel_not_found): check 'channel' (best the channel id, such as C0123456789) and invite the bot to a private channel",
            "some_new_error|Slack answered chat.postMessage with some_new_error for channel 'C0FAKECHAN1'; see Slack's chat.postMessage documentation for what it means",
    })
    void okFalseErrorsOfChatPostMessageArePermanentAndSayWhatToFix(String error, String message) {
        slack.answerEveryRequestWith(Reply.error(error));

        assertThat(viaBot()).isEqualTo(DeliveryResult.permanent(message));
        assertThat(slack.requests()).as("one request").hasSize(1);
    }

    @Test
    void aWrongBotTokenIsRejectedByTheRealCheckNotOnlyByAScriptedReply() {
        try (FakeSlack other = FakeSlack.start("s", "xoxb-the-right-one", "C0FAKECHAN1");
             SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.config(
                     Map.of("token", "${env:T}", "channel", "C0FAKECHAN1", "apiUrl", other.apiUrl()),
                     Map.of("T", "xoxb-a-wrong-one")), dev.mfamonitor.testkit.TestContext.of("s"))) {
            DeliveryResult result = notifier.send(notification());

            assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
            assertThat(((DeliveryResult.Permanent) result).reason()).startsWith("Slack rejected the bot token (invalid_auth)");
            assertThat(other.requests()).hasSize(1);
        }
    }

    @Test
    void aRedirectIsNotFollowedAndIsPermanent() {
        // Were it followed, the 307 would re-send the message to the real webhook, and the fake would take it.
        slack.enqueue(Reply.raw(307, "").withHeader("Location", slack.webhookUrl()));

        DeliveryResult result = viaWebhook();

        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(((DeliveryResult.Permanent) result).reason())
                .startsWith("the incoming webhook answered a redirect (307), which is not followed");
        assertThat(slack.requests()).hasSize(1);
        assertThat(slack.messages()).isEmpty();
        slack.enqueue(Reply.raw(301, "").withHeader("Location", slack.apiUrl() + "chat.postMessage"));
        assertThat(viaBot()).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(slack.messages()).isEmpty();
    }

    @Test
    void noHiddenAuthTestCallIsMadeAndTheTokenGoesAsBearer() {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.botConfig(slack, Map.of()), slack)) {
            assertThat(notifier.send(notification())).isEqualTo(DeliveryResult.delivered());
            assertThat(notifier.send(notification())).isEqualTo(DeliveryResult.delivered());
        }

        assertThat(slack.requests()).extracting(FakeSlack.Request::path)
                .containsExactly("/api/chat.postMessage", "/api/chat.postMessage");
        assertThat(slack.requests().get(0).header("authorization")).hasValue("Bearer " + slack.botToken());
    }
}
