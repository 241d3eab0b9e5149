package dev.mfamonitor.notifier.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.support.NotificationText;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mfamonitor.testkit.NotifierContract.accountEvent;
import static dev.mfamonitor.testkit.NotifierContract.sourceEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** Hostile names render as text, and any run, however large, gives one message Slack accepts. */
class SlackMessageSafetyTest {
    private final FakeSlack slack = FakeSlack.start();

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    private JsonNode deliver(List<ChangeEvent> events) throws Exception {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), slack)) {
            assertThat(notifier.send(NotifierContract.notificationOf(events))).isEqualTo(DeliveryResult.delivered());
        }
        assertThat(slack.messages()).as("messages Slack accepted").hasSize(1);
        return slack.messages().get(0);
    }

    private static ChangeEvent newAccount(String monitorId, String id, String name) {
        return accountEvent(monitorId, "github", EventType.NEW_ACCOUNT_WITHOUT_MFA,
                new Account(id, name, "member", MfaStatus.DISABLED), Optional.empty());
    }

    @Test
    void theInjectionCorpusRendersLiterallyWithoutMentionsLinksOrFormatting() throws Exception {
        List<String> corpus = List.of("<!channel>", "<!here>", "<@U123>", "<https://x|y>", "&amp;", "*bold*", "_x_",
                "\u202Egnp.exe", "a\u200Bb", "`tick`", "<!subteam^S1|security>");
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            events.add(newAccount("github-acme", String.valueOf(i), corpus.get(i)));
        }
        events.add(sourceEvent("mon<!here>", "svc&<co>", EventType.MONITOR_FAILED, "monitor",
                "token rejected: <https://evil.example|reset your MFA> <!everyone>"));

        JsonNode message = deliver(events);
        String visible = FakeSlack.visibleText(message);

        assertThat(visible).contains(
                "`&lt;!channel&gt;`", "`&lt;!here&gt;`", "`&lt;@U123&gt;`", "`&lt;https://x|y&gt;`", "`&amp;amp;`",
                "`*bold*`", "`_x_`", "`gnp.exe`", "`ab`", "`\u02CBtick\u02CB`", "`&lt;!subteam^S1|security&gt;`",
                "`mon&lt;!here&gt;` (`svc&amp;&lt;co&gt;`)",
                "`token rejected: &lt;https://evil.example|reset your MFA&gt; &lt;!everyone&gt;`");
        // No mention, link or entity can be made without a raw '<', and none is left; nor any hidden character.
        assertThat(visible).doesNotContain("<", ">", "\u202E", "\u200B");
        assertThat(message.path("text").asText()).doesNotContain("<");
        for (JsonNode block : message.path("blocks")) {
            if (block.path("text").path("type").asText().equals("mrkdwn")) {
                assertThat(block.path("text").path("verbatim").asBoolean()).as("verbatim: no automatic links").isTrue();
            }
        }
    }

    @Test
    void aBurstOf2000EventsStaysWithinSlacksLimitsAndSaysHowManyWereLeftOut() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            events.add(newAccount("github-acme", String.valueOf(10_000 + i), String.format("user-%04d", i)));
        }

        JsonNode message = deliver(events);

        assertWithinLimits(message);
        String visible = FakeSlack.visibleText(message);
        assertThat(visible).contains("*New account without MFA* (2000, high): `user-0000`, `user-0001`",
                "`user-0049`, and 1950 more");
        assertThat(visible).doesNotContain("`user-0050`");
        assertThat(message.path("text").asText()).isEqualTo("mfa-monitor: 2000 events (2000 New account without MFA)");
    }

    @Test
    void moreGroupsThanFitIn50BlocksShowTheMostSevereAndCountTheRest() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(newAccount(String.format("org-%03d", i), "n" + i, "newcomer" + i));
            events.add(accountEvent(String.format("org-%03d", i), "github", EventType.MFA_ENABLED,
                    new Account("e" + i, "fixed" + i, "member", MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED)));
        }

        JsonNode message = deliver(events);

        assertWithinLimits(message);
        assertThat(message.path("blocks")).hasSize(SlackMessage.MAX_BLOCKS);
        String visible = FakeSlack.visibleText(message);
        // Header and counts, then the most severe groups across monitors: 47 newcomers before any good news. The last
        // block counts what is left, so one monitor's good news never pushes out another monitor's bad news.
        assertThat(visible).contains("`org-000` (`github`)\n• *New account without MFA* (1, high): `newcomer0`\n`org-001`",
                "`org-046` (`github`)\n• *New account without MFA* (1, high): `newcomer46`",
                "… and 353 more events in 353 more groups not shown");
        assertThat(visible).doesNotContain("`org-047`").doesNotContain("`fixed0`");
    }

    @Test
    void oneMonitorsLongGoodNewsNeverPushesOutAnotherMonitorsMfaDisabled() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int m = 1; m <= 30; m++) {
            String monitor = String.format("aws-%02d", m);
            events.add(accountEvent(monitor, "aws", EventType.MFA_DISABLED,
                    new Account("v" + m, "victim-" + monitor, "user", MfaStatus.DISABLED), Optional.of(MfaStatus.ENABLED)));
            for (int i = 0; i < 50; i++) {
                events.add(accountEvent(monitor, "aws", EventType.REMINDER, new Account("r" + m + "-" + i,
                        String.format("still-without-mfa-%02d-%03d@corp.example.com", m, i), "user", MfaStatus.DISABLED),
                        Optional.empty()));
                events.add(accountEvent(monitor, "aws", EventType.MFA_ENABLED, new Account("e" + m + "-" + i,
                        String.format("turned-mfa-on-now-%02d-%03d@corp.example.com", m, i), "user", MfaStatus.ENABLED),
                        Optional.empty()));
            }
        }

        String shown = SlackMessage.render(NotifierContract.notificationOf(events), Optional.empty()).blocks().toString();

        for (int m = 1; m <= 30; m++) {
            assertThat(shown).as("MFA disabled on monitor %d", m).contains(String.format("victim-aws-%02d", m));
        }
    }

    @Test
    void hugeHostileNamesAndDetailsAreCutSoThatEverySectionFits() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            events.add(newAccount("github-acme", "id" + i, "<".repeat(5_000) + i));
        }
        events.add(sourceEvent("github-acme", "github", EventType.MONITOR_FAILED, "monitor", "&".repeat(10_000)));
        events.add(sourceEvent("x".repeat(5_000), "y".repeat(5_000), EventType.BASELINE, "baseline", "z".repeat(10_000)));

        JsonNode message = deliver(events);

        assertWithinLimits(message);
        String visible = FakeSlack.visibleText(message);
        assertThat(visible).contains("`" + "&lt;".repeat(NotificationText.MAX_NAME_CHARS - 1) + "…`", "more");
        assertThat(visible).doesNotContain("<");
    }

    static void assertWithinLimits(JsonNode message) {
        JsonNode blocks = message.path("blocks");
        assertThat(blocks.size()).as("blocks").isLessThanOrEqualTo(SlackMessage.MAX_BLOCKS);
        for (JsonNode block : blocks) {
            int length = block.path("text").path("text").asText().length();
            if (block.path("type").asText().equals("header")) {
                assertThat(length).as("header text").isLessThanOrEqualTo(SlackMessage.MAX_HEADER_CHARS);
            } else {
                assertThat(length).as("section text").isLessThanOrEqualTo(SlackMessage.MAX_SECTION_CHARS);
            }
        }
        assertThat(message.path("text").asText().length()).as("text").isBetween(1, SlackMessage.MAX_TEXT_CHARS);
        int total = 0;
        for (JsonNode block : blocks) {
            total += block.path("text").path("text").asText().length();
            for (JsonNode element : block.path("elements")) {
                total += element.path("text").asText().length();
            }
        }
        assertThat(total).as("text of all blocks").isLessThanOrEqualTo(SlackMessage.MAX_TOTAL_CHARS);
    }

    /** Issue 12 item 14: 12 monitors with 50 disabled accounts each gave 22,083 characters, which Slack refuses. */
    @Test
    void twelveMonitorsWithFiftyDisabledAccountsEachFitTheTotalBudgetWithFewerNames() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (int m = 0; m < 12; m++) {
            for (int i = 0; i < 50; i++) {
                events.add(accountEvent(String.format("github-org-%02d", m), "github", EventType.MFA_DISABLED,
                        new Account(m + "-" + i, String.format("some.person.%02d.%02d@corp.example.com", m, i), "member",
                                MfaStatus.DISABLED), Optional.of(MfaStatus.ENABLED)));
            }
        }

        JsonNode message = deliver(events);

        assertWithinLimits(message);
        String visible = FakeSlack.visibleText(message);
        for (int m = 0; m < 12; m++) {
            assertThat(visible).as("monitor %d", m).contains(String.format("`github-org-%02d` (`github`)", m));
        }
        // Every monitor's group is there with as many names as fit, and says how many more there are.
        assertThat(visible).containsPattern("\\*MFA disabled\\* \\(50, high\\): `some\\.person\\.00\\.00@corp\\.example\\.com` "
                + "\\(was enabled\\), .*, and \\d+ more");
        assertThat(visible).doesNotContain("groups not shown");
        assertThat(slack.requests()).as("one request, accepted").hasSize(1);
    }

    /** Issue 12 item 14: Slack's limit is not documented; if it refuses anyway, a smaller message goes out at once. */
    @Test
    void aMessageRefusedAsTooLongIsSentAgainSmallerInTheSameAttempt() throws Exception {
        slack.enqueue(FakeSlack.Reply.error("msg_blocks_too_long"));
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(newAccount("github-acme", "n" + i, String.format("user-%04d", i)));
        }

        JsonNode message = deliver(events);

        List<FakeSlack.Request> requests = slack.requests();
        assertThat(requests).extracting(FakeSlack.Request::status).containsExactly(400, 200);
        assertThat(requests.get(1).body().length()).as("the second message is smaller")
                .isLessThan(requests.get(0).body().length() * 3 / 4);
        assertWithinLimits(message);
        assertThat(FakeSlack.visibleText(message)).contains("*New account without MFA* (300, high): `user-0000`");
    }

    @Test
    void aMessageRefusedAsTooLongTwiceIsAPermanentFailureAfterExactlyTwoRequests() {
        slack.answerEveryRequestWith(FakeSlack.Reply.error("msg_blocks_too_long"));

        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.botConfig(slack, Map.of()), slack)) {
            DeliveryResult result = notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));

            assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
            assertThat(((DeliveryResult.Permanent) result).reason()).matches("Slack refused the message as too long "
                    + "\\(msg_blocks_too_long\\) even when cut from \\d+ to \\d+ characters: this is a bug in "
                    + "mfa-monitor's Slack notifier; please report it with the log");
        }
        assertThat(slack.requests()).hasSize(2);
    }

    /** A plugin's event type words reach the counts and a label: they mention nobody and do not break the bold. */
    @Test
    void aPluginsTypeWordsAreEscapedToo() throws Exception {
        EventType odd = EventType.declare("evil.SHOUT", "<!channel> *look*", dev.mfamonitor.spi.Severity.HIGH, false);
        JsonNode message = deliver(List.of(sourceEvent("m", "svc", odd, "s", "detail")));

        String visible = FakeSlack.visibleText(message);
        assertThat(visible).contains("1 &lt;!channel&gt; *look*", "• *&lt;!channel&gt; look* (high): `detail`");
        assertThat(visible).doesNotContain("<");
        assertThat(message.path("text").asText()).doesNotContain("<");
    }

    /**
     * Issue 12 item 15: every untrusted name, in the names, the monitor headings and the details (the baseline line
     * names accounts too), is shown in a code span, so that *, _, ~ and backticks never format.
     */
    @Test
    void formattingCharactersInNamesHeadingsAndDetailsNeverFormat() throws Exception {
        List<ChangeEvent> events = List.of(
                accountEvent("*acme*", "_git_", EventType.MFA_DISABLED,
                        new Account("1", "~strike~", "member", MfaStatus.DISABLED, "", Map.of("role", "*admin*")),
                        Optional.of(MfaStatus.ENABLED)),
                sourceEvent("*acme*", "_git_", EventType.BASELINE, "baseline",
                        "3 accounts: 2 with MFA, 1 without (*bold*, _it_, `tick`)"));

        JsonNode message = deliver(events);

        assertThat(message.path("blocks").get(2).path("text").path("text").asText()).isEqualTo(
                "`*acme*` (`_git_`)\n"
                        + "• *MFA disabled* (1, high): `~strike~` (role=`*admin*`, was enabled)\n"
                        + "• *Baseline* (info): `3 accounts: 2 with MFA, 1 without (*bold*, _it_, \u02CBtick\u02CB)`");
    }
}
