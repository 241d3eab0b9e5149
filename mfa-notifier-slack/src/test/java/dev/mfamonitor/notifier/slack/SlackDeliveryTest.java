package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.DeliveryException;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;
import dev.mfamonitor.testkit.slack.FakeSlack.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the notifier does with each kind of answer: retry, wait as asked, or stop and say what to fix. */
class SlackDeliveryTest {
    private final FakeSlack slack = FakeSlack.start();

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    private static Notification notification() {
        return NotifierContract.notificationOf(NotifierContract.sampleEvents());
    }

    private SlackNotifier webhook(SlackNotifier.Retries retries) {
        return SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), retries);
    }

    private SlackNotifier bot(SlackNotifier.Retries retries) {
        return SlackTestSupport.create(SlackTestSupport.botConfig(slack, Map.of()), retries);
    }

    @Test
    void a429WaitsWhatRetryAfterSaysThenDeliversOnce() throws Exception {
        var retries = new SlackTestSupport.RecordingRetries(new Backoff(Duration.ofMillis(1), Duration.ofSeconds(30)), 5);
        slack.enqueue(Reply.rateLimited(7));

        try (SlackNotifier notifier = webhook(retries.retries)) {
            notifier.deliver(notification());
        }

        assertThat(slack.requests()).extracting(FakeSlack.Request::status).containsExactly(429, 200);
        assertThat(retries.waits).containsExactly(Duration.ofSeconds(7));
        assertThat(slack.messages()).hasSize(1);
    }

    @Test
    void chatPostMessageHonoursRetryAfterToo() throws Exception {
        var retries = new SlackTestSupport.RecordingRetries(new Backoff(Duration.ofMillis(1), Duration.ofSeconds(30)), 5);
        slack.enqueue(Reply.rateLimited(3));

        try (SlackNotifier notifier = bot(retries.retries)) {
            notifier.deliver(notification());
        }

        assertThat(retries.waits).containsExactly(Duration.ofSeconds(3));
        assertThat(slack.messages()).hasSize(1);
    }

    @Test
    void aRetryAfterLongerThanTheBackoffMaximumEndsTheDeliveryForThisRunWithoutAskingAgain() throws Exception {
        var retries = new SlackTestSupport.RecordingRetries(new Backoff(Duration.ofMillis(1), Duration.ofSeconds(30)), 5);
        slack.enqueue(Reply.rateLimited(3_600));

        try (SlackNotifier notifier = webhook(retries.retries)) {
            assertThatThrownBy(() -> notifier.deliver(notification()))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage("gave up after 1 try: Slack asked to wait 1h, longer than mfa-monitor waits in one run; last: "
                            + "Slack is rate limiting the webhook (429); the events stay pending for the next run");
        }

        assertThat(retries.waits).isEmpty();
        assertThat(slack.requests()).hasSize(1);
    }

    @Test
    void aRetryAfterThatEndsPastTheDeadlineGivesUpAtOnceWithoutWaiting() {
        // The real pause: it must refuse to wait 20 s when the deadline is 5 s away, without sleeping.
        SlackNotifier.Retries retries = new SlackNotifier.Retries(new Backoff(Duration.ofMillis(1), Duration.ofMinutes(1)), 5,
                (delay, deadline) -> Backoff.sleepWithin(delay, deadline, Clock.systemUTC()));
        slack.enqueue(Reply.rateLimited(20));
        Notification soon = new Notification("msg_1", NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Instant.now().plusSeconds(5));

        try (SlackNotifier notifier = webhook(retries)) {
            assertThatThrownBy(() -> notifier.deliver(soon))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage("gave up after 1 try: waiting 20s as Slack asked would pass the delivery deadline; last: "
                            + "Slack is rate limiting the webhook (429); the events stay pending for the next run")
                    .satisfies(e -> assertThat(((DeliveryException) e).permanent()).isFalse());
        }
        assertThat(slack.requests()).hasSize(1);
    }

    @Test
    void serverErrorsBackOffAndAreRetriedUntilSlackRecovers() throws Exception {
        var retries = SlackTestSupport.RecordingRetries.fast(5);
        slack.enqueue(Reply.serverError(), Reply.serverError());

        try (SlackNotifier notifier = webhook(retries.retries)) {
            notifier.deliver(notification());
        }

        assertThat(slack.requests()).extracting(FakeSlack.Request::status).containsExactly(500, 500, 200);
        assertThat(retries.waits).hasSize(2).allSatisfy(wait -> assertThat(wait).isBetween(Duration.ZERO, Duration.ofMillis(5)));
        assertThat(slack.messages()).hasSize(1);
    }

    @Test
    void serverErrorsThatLastGiveUpAfterTheLastTryAndStayPending() {
        var retries = SlackTestSupport.RecordingRetries.fast(3);
        slack.answerEveryRequestWith(Reply.serverError());

        try (SlackNotifier notifier = webhook(retries.retries)) {
            assertThatThrownBy(() -> notifier.deliver(notification()))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage("gave up after 3 tries; last: Slack answered 500 rollup_error; the events stay pending for the next run")
                    .satisfies(e -> assertThat(((DeliveryException) e).permanent()).isFalse());
        }
        assertThat(slack.requests()).hasSize(3);
    }

    @Test
    void a200WhoseBodyIsNotOkIsNotDelivered() {
        slack.answerEveryRequestWith(Reply.raw(200, "<html>captive portal</html>"));

        try (SlackNotifier notifier = webhook(SlackTestSupport.RecordingRetries.fast(2).retries)) {
            assertThatThrownBy(() -> notifier.deliver(notification()))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage("gave up after 2 tries; last: Slack answered 200 without 'ok' (unexpected answer); "
                            + "the events stay pending for the next run");
        }
    }

    @Test
    void aTimeoutIsRetried() throws Exception {
        slack.enqueue(Reply.normal().after(Duration.ofSeconds(1)));
        var retries = SlackTestSupport.RecordingRetries.fast(3);

        try (SlackNotifier notifier = SlackTestSupport.create(
                SlackTestSupport.webhookConfig(slack, Map.of("timeout", "200ms")), retries.retries)) {
            notifier.deliver(notification());
        }

        // One retry after the timed-out try, and the retry was taken. (Slack takes the first message too, once its delay
        // is over: at-least-once means a possible duplicate, never a loss.)
        assertThat(retries.waits).hasSize(1);
        assertThat(slack.messages()).isNotEmpty();
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
    void permanentWebhookErrorsAreNotRetriedAndSayWhatToFix(String error, String message) {
        var retries = SlackTestSupport.RecordingRetries.fast(5);
        slack.answerEveryRequestWith(Reply.error(error));

        try (SlackNotifier notifier = webhook(retries.retries)) {
            assertThatThrownBy(() -> notifier.deliver(notification()))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage(message)
                    .satisfies(e -> assertThat(((DeliveryException) e).permanent()).isTrue());
        }
        assertThat(slack.requests()).as("no retry").hasSize(1);
        assertThat(retries.waits).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "invalid_auth|Slack rejected the bot token (invalid_auth): it was revoked, expired or is not a bot token; put a valid bot token (xoxb-...) where 'token' reads it",
            "token_revoked|Slack rejected the bot token (token_revoked): it was revoked, expired or is not a bot token; put a valid bot token (xoxb-...) where 'token' reads it",
            "not_in_channel|the bot is not a member of channel 'C0FAKECHAN1' (not_in_channel): invite it there with /invite @your-app",
            "is_archived|channel 'C0FAKECHAN1' is archived (is_archived): unarchive it or change 'channel'",
            "missing_scope|the bot token may not post messages (missing_scope): give the Slack app the chat:write scope and reinstall it in the workspace",
            "channel_not_found|Slack cannot find channel 'C0FAKECHAN1' (channel_not_found): check 'channel' (best the channel id, such as C0123456789) and invite the bot to a private channel",
    })
    void permanentChatPostMessageErrorsAreNotRetriedAndSayWhatToFix(String error, String message) {
        var retries = SlackTestSupport.RecordingRetries.fast(5);
        slack.answerEveryRequestWith(Reply.error(error));

        try (SlackNotifier notifier = bot(retries.retries)) {
            assertThatThrownBy(() -> notifier.deliver(notification()))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage(message)
                    .satisfies(e -> assertThat(((DeliveryException) e).permanent()).isTrue());
        }
        assertThat(slack.requests()).as("no retry").hasSize(1);
    }

    @Test
    void aWrongBotTokenIsRejectedByTheRealCheckNotOnlyByAScriptedReply() {
        slack.close();
        try (FakeSlack other = FakeSlack.start("s", "xoxb-the-right-one", "C0FAKECHAN1");
             SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.config(
                     Map.of("token", "xoxb-a-wrong-one", "channel", "C0FAKECHAN1", "apiUrl", other.apiUrl()), Map.of()),
                     SlackTestSupport.RecordingRetries.fast(5).retries)) {
            assertThatThrownBy(() -> notifier.deliver(notification()))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("Slack rejected the bot token (invalid_auth)");
            assertThat(other.requests()).hasSize(1);
        }
    }

    @Test
    void aRedirectIsNotFollowed() {
        // Were it followed, the 307 would re-send the message to the real webhook, and the fake would take it.
        slack.enqueue(Reply.raw(307, "").withHeader("Location", slack.webhookUrl()));

        try (SlackNotifier notifier = webhook(SlackTestSupport.RecordingRetries.fast(5).retries)) {
            assertThatThrownBy(() -> notifier.deliver(notification()))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("the incoming webhook answered a redirect (307), which is not followed");
        }
        assertThat(slack.requests()).hasSize(1);
        assertThat(slack.messages()).isEmpty();
    }

    @Test
    void noHiddenAuthTestCallIsMade() throws Exception {
        try (SlackNotifier notifier = bot(SlackTestSupport.RecordingRetries.fast(1).retries)) {
            notifier.deliver(notification());
            notifier.deliver(notification());
        }

        assertThat(slack.requests()).extracting(FakeSlack.Request::path)
                .containsExactly("/api/chat.postMessage", "/api/chat.postMessage");
        assertThat(slack.requests().get(0).header("authorization")).hasValue("Bearer " + slack.botToken());
    }
}
