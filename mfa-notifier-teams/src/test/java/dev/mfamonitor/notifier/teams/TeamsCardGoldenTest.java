package dev.mfamonitor.notifier.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.teams.FakeTeams;
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
 * The exact request a Workflows webhook receives for a run with several monitors and event types: what the real HTTP
 * client put on the wire, read back by the fake, against {@code golden-card.json}. A change in wording, order,
 * escaping or limits shows up here as a diff to review.
 */
class TeamsCardGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private final FakeTeams teams = FakeTeams.start();

    @AfterEach
    void everyCardIsValidAndTheFakeStops() {
        try {
            TeamsTestSupport.assertEveryCardValid(teams);
        } finally {
            teams.close();
        }
    }

    /** A run with good and bad news across two monitors, as the engine would hand it over. */
    static List<ChangeEvent> goldenEvents() {
        List<ChangeEvent> events = new ArrayList<>(NotifierContract.sampleEvents());
        events.add(accountEvent("github-acme", "github", EventType.MFA_DISABLED,
                new Account("1003", "dave", "member", MfaStatus.DISABLED), Optional.of(MfaStatus.NOT_APPLICABLE)));
        events.add(sourceEvent("github-acme", "github", EventType.REQUIREMENT_DISABLED, "organization requires 2FA",
                "organization requires 2FA: was enabled, now disabled"));
        events.add(accountEvent("github-acme", "github", EventType.MFA_ENABLED,
                new Account("1004", "erin_admin", "member", MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED)));
        // An owner who lost MFA: the engine raised it to critical; it is listed apart, first, with its role.
        events.add(ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github", NotifierContract.SAMPLE_TIME)
                .account(new Account("1005", "zoe-owner", "member", MfaStatus.DISABLED, "", Map.of("role", "admin")))
                .previous(MfaStatus.ENABLED).severity(Severity.CRITICAL).build());
        events.add(accountEvent("aws-prod", "aws", EventType.REMINDER,
                new Account("arn:aws:iam::1:user/alice", "alice", "iam-user", MfaStatus.DISABLED), Optional.empty()));
        return events;
    }

    @Test
    void aRunWithSeveralMonitorsAndTypesGivesExactlyTheGoldenCard() throws Exception {
        try (TeamsNotifier notifier = TeamsTestSupport.create(teams)) {
            assertThat(notifier.send(NotifierContract.notificationOf(goldenEvents()))).isEqualTo(DeliveryResult.delivered());
        }

        assertThat(teams.requests()).hasSize(1);
        FakeTeams.Request request = teams.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("content-type")).contains("application/json; charset=utf-8");
        assertThat(request.status()).isEqualTo(202);
        assertThat(pretty(TeamsTestSupport.JSON.readTree(request.body()))).isEqualTo(pretty(golden("golden-card.json")));
        assertThat(teams.runs()).singleElement().satisfies(run -> assertThat(run.posted()).isTrue());
    }

    static JsonNode golden(String name) throws IOException {
        try (InputStream in = TeamsCardGoldenTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static String pretty(JsonNode node) throws IOException {
        return JSON.writeValueAsString(JSON.treeToValue(node, Object.class));
    }
}
