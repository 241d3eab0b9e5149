package dev.mfamonitor.notifier.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The payloads the notifier really sends, against the schema file the module ships. */
class PayloadSchemaTest {
    private final Schema schema = TestSupport.schema();
    private final FakeWebhookReceiver receiver;

    PayloadSchemaTest() throws IOException {
        receiver = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(TestSupport.SECRET));
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void everyKindOfEventAndStatusIsValid() throws Exception {
        List<ChangeEvent> events = new ArrayList<>(NotifierContract.sampleEvents());
        MfaStatus[] statuses = MfaStatus.values();
        int i = 0;
        List<EventType> types = new ArrayList<>(EventType.builtIns());
        types.add(EventType.declare("gitlab.TOKEN_WITHOUT_EXPIRY", "Token without expiry", Severity.MEDIUM, false));
        for (EventType type : types) {
            MfaStatus status = statuses[i % statuses.length];
            Account account = new Account("id-" + i, "name \"quoted\" <" + i + ">", "iam-user", status, "123456789012",
                    Map.of("consoleAccess", "true", "lastUsed", "2026-02-01"));
            events.add(NotifierContract.accountEvent("aws-prod", "aws", type, account,
                    Optional.of(statuses[(i + 1) % statuses.length])));
            i++;
        }
        try (Notifier notifier = TestSupport.create(Map.of("url", receiver.url(), "secret", TestSupport.SECRET))) {
            notifier.send(NotifierContract.notificationOf(events));
        }

        String body = receiver.acceptedBodies().get(0);
        assertThat(TestSupport.violations(schema, body)).isEmpty();
        assertThat(TestSupport.parse(body).get("events").size()).isEqualTo(events.size());
    }

    @Test
    void theSchemaRejectsPayloadsThatBreakIt() throws Exception {
        try (Notifier notifier = TestSupport.create(Map.of("url", receiver.url()))) {
            notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        }
        String body = receiver.acceptedBodies().get(0);
        assertThat(TestSupport.violations(schema, body)).isEmpty();

        ObjectNode noEvents = (ObjectNode) TestSupport.parse(body);
        noEvents.remove("events");
        assertThat(TestSupport.violations(schema, noEvents.toString())).singleElement().asString().contains("events");

        ObjectNode badType = (ObjectNode) TestSupport.parse(body);
        ((ObjectNode) badType.get("events").get(0)).put("type", "mfa maybe");
        assertThat(TestSupport.violations(schema, badType.toString())).isNotEmpty();

        ObjectNode badSeverity = (ObjectNode) TestSupport.parse(body);
        ((ObjectNode) badSeverity.get("events").get(0)).put("severity", "SEVERE");
        assertThat(TestSupport.violations(schema, badSeverity.toString())).isNotEmpty();

        ObjectNode newVersion = (ObjectNode) TestSupport.parse(body);
        newVersion.put("schemaVersion", 2);
        assertThat(TestSupport.violations(schema, newVersion.toString())).isNotEmpty();

        ObjectNode dottedId = (ObjectNode) TestSupport.parse(body);
        dottedId.put("deliveryId", "msg.1");
        assertThat(TestSupport.violations(schema, dottedId.toString())).isNotEmpty();
    }

    /**
     * Issue 12 item 18: the README and the schema promise that a release may add fields without a new schemaVersion;
     * a body with fields this schema does not describe, at every level, still validates against the shipped v1 schema.
     */
    @Test
    void aBodyWithFieldsAddedAtEveryLevelStillValidates() throws Exception {
        try (Notifier notifier = TestSupport.create(Map.of("url", receiver.url()))) {
            notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        }
        ObjectNode later = (ObjectNode) TestSupport.parse(receiver.acceptedBodies().get(0));
        later.put("addedLater", "x");
        ((ObjectNode) later.get("part")).put("addedLater", 1);
        ((ObjectNode) later.get("run")).putObject("addedLater").put("nested", true);
        ObjectNode event = (ObjectNode) later.get("events").get(0);
        event.put("addedLater", "x");
        ((ObjectNode) event.get("account")).put("addedLater", "x");
        ((ObjectNode) later.get("events").get(2)).put("type", "MFA_SOMETHING_NEW");

        assertThat(TestSupport.violations(schema, later.toString())).isEmpty();
    }

    /** Adding a severity or a status to the SPI must come with a schema update; every built-in type is documented. */
    @Test
    void theSchemaListsEverySeverityStatusAndBuiltInTypeOfTheSpi() throws Exception {
        JsonNode file;
        try (var in = getClass().getResourceAsStream(TestSupport.SCHEMA_RESOURCE)) {
            file = TestSupport.JSON.readTree(in);
        }
        JsonNode event = file.get("$defs").get("event").get("properties");
        assertThat(texts(event.get("type").get("examples")))
                .containsExactlyElementsOf(EventType.builtIns().stream().map(EventType::name).toList());
        assertThat(texts(event.get("severity").get("enum")))
                .containsExactlyElementsOf(Arrays.stream(Severity.values()).map(Enum::name).toList());
        List<String> statuses = new ArrayList<>(Arrays.stream(MfaStatus.values()).map(Enum::name).toList());
        statuses.add("null");
        assertThat(texts(file.get("$defs").get("status").get("enum"))).containsExactlyElementsOf(statuses);
        assertThat(file.toString()).as("no level refuses added fields").doesNotContain("\"additionalProperties\":false");
    }

    private static List<String> texts(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(node -> result.add(node.isNull() ? "null" : node.asText()));
        return result;
    }
}
