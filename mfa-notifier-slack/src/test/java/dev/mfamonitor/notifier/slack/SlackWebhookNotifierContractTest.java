package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NetworkNotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;
import dev.mfamonitor.testkit.slack.FakeSlack.Reply;
import org.junit.jupiter.api.AfterEach;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The incoming-webhook notifier, created from configuration like the runner does, against the notifier contract. */
class SlackWebhookNotifierContractTest extends NetworkNotifierContract {
    /** A canary as the webhook URL's secret path segment. */
    static final String WEBHOOK_CANARY = "canaryWEBHOOKsecret0123456789";
    static final String TOKEN_CANARY = "xoxb-canary-BOT-token-0123456789";

    private final FakeSlack slack = FakeSlack.start(WEBHOOK_CANARY, TOKEN_CANARY, "C0FAKECHAN1");

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    @Override
    protected List<String> secrets() {
        return List.of(slack.webhookUrl(), slack.botToken());
    }

    @Override
    protected Notifier createNotifier() {
        return SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), context());
    }

    /** What the channel shows: the texts of each accepted message's blocks. */
    @Override
    protected List<String> deliveredMessages() {
        return slack.receivedTexts();
    }

    /** Names are escaped for mrkdwn and shown in code spans. */
    @Override
    protected String rendered(String accountName) {
        return "`" + accountName.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "`";
    }

    /** Slack's blocks carry at most about 12,000 characters of text in all. */
    @Override
    protected int maxMessageChars() {
        return FakeSlack.MAX_TOTAL_TEXT_CHARS;
    }

    @Override
    protected void channelIsDown() {
        slack.close();
    }

    @Override
    protected void channelAnswers(int status, String body, Optional<String> retryAfter) {
        Reply reply = Reply.raw(status, body);
        slack.answerEveryRequestWith(retryAfter.map(r -> reply.withHeader("Retry-After", r)).orElse(reply));
    }

    @Override
    protected void channelNeverAnswers() {
        slack.answerEveryRequestWith(Reply.noAnswer());
    }
}
