package dev.mfamonitor.notifier.slack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;
import dev.mfamonitor.testkit.slack.FakeSlack.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Canary values for the webhook URL's secret path and the bot token, through success and every kind of failure, with
 * every logger (ours, the Slack SDK's, OkHttp's) at DEBUG: none may appear in a log line or an exception message.
 */
class SlackSecretsTest {
    private static final String WEBHOOK_CANARY = "CANARYwebhook9f3b2c71";
    private static final String TOKEN_CANARY = "xoxb-CANARYtoken-5d1e";

    private final FakeSlack slack = FakeSlack.start(WEBHOOK_CANARY, TOKEN_CANARY, "C0FAKECHAN1");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<String> messages = new ArrayList<>();
    private Level rootLevel;

    @BeforeEach
    void captureEveryLogLine() {
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void restore() {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        slack.close();
    }

    private void deliverCollecting(Notifier notifier) {
        DeliveryResult result = notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        if (result instanceof DeliveryResult.Transient failure) {
            messages.add(failure.reason());
        } else if (result instanceof DeliveryResult.Permanent failure) {
            messages.add(failure.reason());
        }
    }

    private void exercise(Notifier notifier) {
        deliverCollecting(notifier);                                   // success
        slack.enqueue(Reply.serverError(), Reply.rateLimited(0));
        deliverCollecting(notifier);                                   // 500
        deliverCollecting(notifier);                                   // 429
        slack.answerEveryRequestWith(Reply.raw(503, "busy " + slack.webhookUrl() + " " + TOKEN_CANARY));
        deliverCollecting(notifier);                                   // a 503 echoing the secrets
        slack.answerEveryRequestWith(Reply.raw(200, "not ok " + WEBHOOK_CANARY + " " + TOKEN_CANARY));
        deliverCollecting(notifier);                                   // a body echoing the secrets
        for (String error : List.of("invalid_token", "invalid_auth", "channel_not_found", "no_service")) {
            slack.answerEveryRequestWith(Reply.error(error));
            deliverCollecting(notifier);
        }
        slack.answerNormally();
    }

    @Test
    void theWebhookUrlNeverReachesALogLineOrAMessage() {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), slack)) {
            exercise(notifier);
        }
        // An unreachable Slack: the connection error must not carry the URL either.
        String unreachable = slack.webhookUrl();
        var context = SlackTestSupport.context(slack);
        slack.close();
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.config(
                Map.of("webhookUrl", "${env:HOOK}"), Map.of("HOOK", unreachable)), context)) {
            deliverCollecting(notifier);
        }

        assertNoCanary();
        assertThat(messages).as("failures seen").hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void theBotTokenNeverReachesALogLineOrAMessage() {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.botConfig(slack, Map.of()), slack)) {
            exercise(notifier);
        }

        assertNoCanary();
        assertThat(messages).as("failures seen").hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void aWebhookUrlOfAnotherSchemeIsReportedWithoutItsValueEvenBeforeTheRedactorKnowsIt() {
        String url = "ftp://hooks.example.com/services/T0/B0/" + WEBHOOK_CANARY;
        assertThatThrownBy(() -> SlackTestSupport.create(SlackTestSupport.config(Map.of("webhookUrl", "${env:HOOK}"),
                Map.of("HOOK", url)), dev.mfamonitor.testkit.TestContext.of("security-slack")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'webhookUrl'")
                .message().doesNotContain(WEBHOOK_CANARY);
    }

    @Test
    void aBadWebhookUrlIsReportedWithoutItsValue() {
        String url = "http://hooks.example.com/services/T0/B0/" + WEBHOOK_CANARY;
        assertThatThrownBy(() -> SlackTestSupport.create(SlackTestSupport.config(Map.of("webhookUrl", "${env:HOOK}"),
                Map.of("HOOK", url)), dev.mfamonitor.testkit.TestContext.of("security-slack").withSecretValues(url)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'webhookUrl'")
                .hasMessageContaining("plain http to hooks.example.com")
                .hasMessageEndingWith("copy the Webhook URL from the Slack app's Incoming Webhooks page (it starts with "
                        + "https://hooks.slack.com/)")
                .message().doesNotContain(WEBHOOK_CANARY);
    }

    private void assertNoCanary() {
        assertThat(logs.list).as("log lines at DEBUG").isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContain(WEBHOOK_CANARY, TOKEN_CANARY);
        }
        assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain(WEBHOOK_CANARY, TOKEN_CANARY, "/services/"));
    }
}
