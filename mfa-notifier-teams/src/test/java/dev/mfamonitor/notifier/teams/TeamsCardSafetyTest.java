package dev.mfamonitor.notifier.teams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.teams.FakeTeams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mfamonitor.testkit.NotifierContract.accountEvent;
import static dev.mfamonitor.testkit.NotifierContract.sourceEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile names render as text (no formatting, link, date function, mention or list), and any run, however large,
 * gives one card within Teams' documented size that the flow posts; every card is valid by the Adaptive Card schema.
 */
class TeamsCardSafetyTest {
    private static final Pattern GROUP_COUNT = Pattern.compile("^\\*\\*[^*]+\\*\\* \\((\\d+), [a-z]+\\)");
    private static final Pattern OMITTED = Pattern.compile("^… and (\\d+) more events? in (\\d+) more groups? not shown");

    private final FakeTeams teams = FakeTeams.start();

    @AfterEach
    void everyCardIsValidAndTheFakeStops() {
        try {
            TeamsTestSupport.assertEveryCardValid(teams);
        } finally {
            teams.close();
        }
    }

    /** Sends the events through the real client and returns the card the flow posted. */
    private JsonNode deliver(List<ChangeEvent> events) {
        try (TeamsNotifier notifier = TeamsTestSupport.create(teams)) {
            assertThat(notifier.send(NotifierContract.notificationOf(events))).isEqualTo(DeliveryResult.delivered());
        }
        assertThat(teams.runs()).as("flow runs").singleElement().satisfies(run ->
                assertThat(run.failure()).as("why the flow failed").isEmpty());
        assertThat(teams.postedCards()).hasSize(1);
        return teams.postedCards().get(0);
    }

    private static ChangeEvent newAccount(String monitorId, String id, String name) {
        return accountEvent(monitorId, "github", EventType.NEW_ACCOUNT_WITHOUT_MFA,
                new Account(id, name, "member", MfaStatus.DISABLED), Optional.empty());
    }

    private static List<String> texts(JsonNode card) {
        List<String> texts = new ArrayList<>();
        card.path("body").forEach(block -> texts.add(block.path("text").asText()));
        return texts;
    }

    @Test
    void theInjectionCorpusRendersLiterallyWithoutFormattingLinksFunctionsOrLists() {
        List<String> corpus = List.of("*bold*", "**strong**", "_italic_", "__under__",
                "[reset your MFA](https://evil.example/reset)", "![pixel](https://evil.example/p.png)",
                "{{DATE(2017-02-14T06:00:00Z, SHORT)}}", "{{TIME(2017-02-14T06:00:00Z)}}", "${secret}",
                "<at>Security</at>", "<https://evil.example>", "https://evil.example/login", "&#42;&#42;x&#42;&#42;",
                "&amp;", "`code`", "~~gone~~", "\\*escaped\\*", "mallory\", \"eve", "line\nbreak", "cr\r- list",
                "\u202Egnp.exe", "a\u200Bb", "\u001B[31mred", "1. first", "- item", "# heading", "> quote");
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            events.add(newAccount("github-acme", String.valueOf(i), corpus.get(i)));
        }
        events.add(sourceEvent("- mon*1*", "# svc", EventType.MONITOR_FAILED, "monitor",
                "1. [click](https://evil.example) {{DATE(2017-02-14T06:00:00Z)}} <at>all</at>"));
        events.add(sourceEvent("1. acme", "+svc", EventType.BASELINE, "baseline", "=== setext"));

        JsonNode card = deliver(events);
        List<String> texts = texts(card);
        String visible = String.join("\n", texts);

        assertThat(visible).contains("\"∗bold∗\"", "\"∗∗strong∗∗\"", "\"ˍitalicˍ\"", "\"ˍˍunderˍˍ\"",
                "\"［reset your MFA］(https:∕∕evil.example/reset)\"", "\"!［pixel］(https:∕∕evil.example/p.png)\"",
                "\"｛｛DATE(2017-02-14T06:00:00Z, SHORT)}}\"", "\"｛｛TIME(2017-02-14T06:00:00Z)}}\"", "\"$｛secret}\"",
                "\"‹at›Security‹/at›\"", "\"‹https:∕∕evil.example›\"", "\"https:∕∕evil.example/login\"",
                "\"＆#42;＆#42;x＆#42;＆#42;\"", "\"＆amp;\"", "\"ˋcodeˋ\"", "\"∼∼gone∼∼\"", "\"∖∗escaped∖∗\"",
                "\"mallory＂, ＂eve\"", "\"linebreak\"", "\"cr- list\"", "\"gnp.exe\"", "\"ab\"", "\"［31mred\"",
                "\"1. first\"", "\"- item\"", "\"# heading\"", "\"› quote\"");
        assertThat(texts).contains("‐ mon∗1∗ (# svc)", "1․ acme (+svc)",
                "**Monitor failed** (medium): 1. ［click］(https:∕∕evil.example) ｛｛DATE(2017-02-14T06:00:00Z)}} "
                        + "‹at›all‹/at›",
                "**Baseline** (info): === setext");

        for (String text : texts) {
            // Only the card's own bold labels use '*'; nothing else can format, link, call a function or escape.
            assertThat(text.replaceFirst("^\\*\\*[^*]+\\*\\*", "")).as("text of a block").doesNotContain("*", "_",
                    "[", "]", "<", ">", "{", "`", "~", "\\", "&", "://");
            assertThat(text).as("hidden or control characters").doesNotContain("\n", "\r", "\u202E", "\u200B", "\u001B");
            assertThat(text).as("a block that starts a list, heading or quote").doesNotMatch("^([-+#=>]|\\d+[.)]).*");
        }
    }

    @Test
    void threeThousandEventsGiveOneCardWithinTheLimitThatSaysHowManyWereLeftOut() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            events.add(newAccount("github-acme", String.valueOf(10_000 + i), String.format("user-%04d", i)));
        }

        JsonNode card = deliver(events);

        int bytes = teams.requests().get(0).body().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("request body bytes").isLessThanOrEqualTo(TeamsCard.MAX_BODY_BYTES)
                .isLessThan(FakeTeams.MAX_MESSAGE_BYTES);
        List<String> texts = texts(card);
        assertThat(texts.get(0)).isEqualTo("mfa-monitor: 3000 events");
        assertThat(texts).anySatisfy(t -> assertThat(t)
                .startsWith("**New account without MFA** (3000, high): \"user-0000\", \"user-0001\"")
                .endsWith("\"user-0049\", and 2950 more"));
        assertThat(String.join("\n", texts)).doesNotContain("user-0050");
    }

    @Test
    void threeThousandLongNamesInThreeHundredGroupsStayWithinTheLimitAndCountEveryEvent() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int m = 0; m < 150; m++) {
            String monitor = String.format("org-%03d", m);
            for (int i = 0; i < 10; i++) {
                events.add(newAccount(monitor, m + "-n" + i, String.format("newcomer-%03d-%02d-", m, i) + "x".repeat(60)));
                events.add(accountEvent(monitor, "github", EventType.MFA_ENABLED, new Account(m + "-e" + i,
                        String.format("fixed-%03d-%02d-", m, i) + "y".repeat(60), "member", MfaStatus.ENABLED),
                        Optional.of(MfaStatus.DISABLED)));
            }
        }

        JsonNode card = deliver(events);

        int bytes = teams.requests().get(0).body().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("request body bytes").isLessThanOrEqualTo(TeamsCard.MAX_BODY_BYTES);
        List<String> texts = texts(card);
        int shown = 0;
        int omitted = -1;
        for (String text : texts) {
            Matcher group = GROUP_COUNT.matcher(text);
            if (group.find()) {
                shown += Integer.parseInt(group.group(1));
            }
            Matcher rest = OMITTED.matcher(text);
            if (rest.find()) {
                omitted = Integer.parseInt(rest.group(1));
            }
        }
        assertThat(omitted).as("events counted in the last line").isPositive();
        assertThat(shown + omitted).as("events shown or counted").isEqualTo(3_000);
        // Fewer names rather than fewer groups, and the most severe groups first, across monitors: no good news is
        // shown while a newcomer's group is left out.
        assertThat(texts).contains("org-000 (github)", "**New account without MFA** (10, high): 10 accounts");
        assertThat(String.join("\n", texts)).doesNotContain("**MFA enabled**");
    }

    @Test
    void hugeHostileNamesAndDetailsAreCutAndTheCardStillFits() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            events.add(newAccount("github-acme", "id" + i, "*".repeat(5_000) + i));
        }
        events.add(sourceEvent("github-acme", "github", EventType.MONITOR_FAILED, "monitor", "{".repeat(10_000)));
        events.add(sourceEvent("x".repeat(5_000), "y".repeat(5_000), EventType.BASELINE, "baseline", "z".repeat(10_000)));

        deliver(events);

        int bytes = teams.requests().get(0).body().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("request body bytes").isLessThanOrEqualTo(TeamsCard.MAX_BODY_BYTES);
    }
}
