package dev.mfamonitor.notifier.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mfamonitor.testkit.NotifierContract.accountEvent;
import static dev.mfamonitor.testkit.NotifierContract.sourceEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact message Slack receives for a run with several monitors and event types: what the real client put on the
 * wire, read back by the fake Slack, against {@code golden-message.json} (Block Kit as Slack's Block Kit Builder shows
 * it). A change in wording, order, escaping or limits shows up here as a diff to review.
 */
class SlackMessageGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private final FakeSlack slack = FakeSlack.start();

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    /** A run with good and bad news across two monitors, as the engine would hand it over. */
    static List<ChangeEvent> goldenEvents() {
        List<ChangeEvent> events = new ArrayList<>(NotifierContract.sampleEvents());
        events.add(accountEvent("github-acme", "github", EventType.MFA_DISABLED,
                new Account("1003", "dave", "member", MfaStatus.DISABLED), Optional.of(MfaStatus.NOT_APPLICABLE)));
        events.add(sourceEvent("github-acme", "github", EventType.REQUIREMENT_DISABLED, "organization requires 2FA",
                "organization requires 2FA: was enabled, now disabled"));
        events.add(accountEvent("github-acme", "github", EventType.MFA_ENABLED,
                new Account("1004", "erin", "member", MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED)));
        // An owner who lost MFA: the engine raised it to critical; it is listed apart, first, with its role.
        events.add(ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github", NotifierContract.SAMPLE_TIME)
                .account(new Account("1005", "zoe-owner", "member", MfaStatus.DISABLED, "", Map.of("role", "admin")))
                .previous(MfaStatus.ENABLED).severity(dev.mfamonitor.spi.Severity.CRITICAL).build());
        events.add(accountEvent("aws-prod", "aws", EventType.REMINDER,
                new Account("arn:aws:iam::1:user/alice", "alice", "iam-user", MfaStatus.DISABLED), Optional.empty()));
        return events;
    }

    @Test
    void aRunWithSeveralMonitorsAndTypesGivesExactlyTheGoldenMessage() throws Exception {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack,
                Map.of("mention", "<!subteam^S0SECURITY>", "username", "mfa-monitor", "iconEmoji", ":rotating_light:")), slack)) {
            assertThat(notifier.send(NotifierContract.notificationOf(goldenEvents()))).isEqualTo(DeliveryResult.delivered());
        }

        assertThat(slack.messages()).hasSize(1);
        assertThat(pretty(slack.messages().get(0))).isEqualTo(pretty(golden("golden-message.json")));
    }

    @Test
    void theBotTokenSendsTheSameBlocksAndTextToItsChannel() throws Exception {
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.botConfig(slack,
                Map.of("mention", "<!subteam^S0SECURITY>", "username", "mfa-monitor", "iconEmoji", ":rotating_light:")), slack)) {
            assertThat(notifier.send(NotifierContract.notificationOf(goldenEvents()))).isEqualTo(DeliveryResult.delivered());
        }

        JsonNode golden = golden("golden-message.json");
        JsonNode received = slack.messages().get(0);
        assertThat(received.path("channel").asText()).isEqualTo(slack.channel());
        assertThat(pretty(received.path("blocks"))).isEqualTo(pretty(golden.path("blocks")));
        assertThat(received.path("text").asText()).isEqualTo(golden.path("text").asText());
        assertThat(received.path("username").asText()).isEqualTo("mfa-monitor");
        assertThat(received.path("icon_emoji").asText()).isEqualTo(":rotating_light:");
        assertThat(received.path("unfurl_links").asBoolean(true)).isFalse();
        assertThat(slack.requestsTo("/api/auth.test")).as("hidden auth.test calls").isEmpty();
    }

    @Test
    void theMentionIsLeftOutWhenTheRunHasOnlyGoodNewsOrReminders() throws Exception {
        List<ChangeEvent> goodNews = goldenEvents().stream()
                .filter(e -> e.type() == EventType.MFA_ENABLED || e.type() == EventType.REMINDER || e.type() == EventType.BASELINE)
                .toList();
        try (SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack,
                Map.of("mention", "<!subteam^S0SECURITY>")), slack)) {
            assertThat(notifier.send(NotifierContract.notificationOf(goodNews))).isEqualTo(DeliveryResult.delivered());
        }

        JsonNode message = slack.messages().get(0);
        assertThat(message.path("text").asText()).isEqualTo("mfa-monitor: 3 events (1 Still without MFA, 1 MFA enabled, 1 Baseline)");
        assertThat(FakeSlack.visibleText(message)).doesNotContain("subteam");
    }

    static JsonNode golden(String name) throws IOException {
        try (InputStream in = SlackMessageGoldenTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static String pretty(JsonNode node) throws IOException {
        return JSON.writeValueAsString(JSON.treeToValue(node, Object.class));
    }
}
