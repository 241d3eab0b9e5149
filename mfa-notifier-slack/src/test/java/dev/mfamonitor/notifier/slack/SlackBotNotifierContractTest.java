package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;
import org.junit.jupiter.api.AfterEach;

import java.util.List;
import java.util.Map;

/** The bot-token (chat.postMessage) notifier, created from configuration like the runner does, against the notifier contract. */
class SlackBotNotifierContractTest extends NotifierContract {
    private final FakeSlack slack = FakeSlack.start();

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    @Override
    protected Notifier createNotifier() {
        PluginConfig config = SlackTestSupport.botConfig(slack, Map.of());
        Notifier notifier = new SlackNotifierProvider().create(config);
        config.requireAllUsed();
        return notifier;
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

    /** Slack cuts a message at 40,000 characters; blocks are far below it (50 of at most 3,000). */
    @Override
    protected int maxMessageChars() {
        return 40_000;
    }
}
