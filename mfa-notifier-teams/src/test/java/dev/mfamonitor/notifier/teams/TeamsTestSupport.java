package dev.mfamonitor.notifier.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.teams.FakeTeams;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds notifiers the way the runner does (a configuration block through the provider) against a {@link FakeTeams},
 * and validates cards against the official Adaptive Card 1.4 schema.
 */
final class TeamsTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The official schema's id; registered here so that no reference to it is ever fetched from the network. */
    static final String SCHEMA_ID = "http://adaptivecards.io/schemas/adaptive-card.json";
    static final String SCHEMA_RESOURCE = "/dev/mfamonitor/notifier/teams/adaptive-card-1.4.schema.json";
    private static final Schema SCHEMA = loadSchema();

    private TeamsTestSupport() {
    }

    /** A notifier block as YAML gives it, with {@code ${env:...}} resolved from {@code env}. */
    static YamlPluginConfig config(Map<String, ?> values, Map<String, String> env) {
        return new YamlPluginConfig("notifier", "security-teams", "teams", values, Path.of("").toAbsolutePath(), env::get);
    }

    /** {@code webhookUrl: ${env:TEAMS_WEBHOOK}} and the extra keys. */
    static YamlPluginConfig config(FakeTeams teams, Map<String, ?> extra) {
        return urlConfig(teams.webhookUrl(), extra);
    }

    /** {@code webhookUrl: ${env:TEAMS_WEBHOOK}} holding {@code url}, and the extra keys. */
    static YamlPluginConfig urlConfig(String url, Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>(extra);
        values.put("webhookUrl", "${env:TEAMS_WEBHOOK}");
        return config(values, Map.of("TEAMS_WEBHOOK", url));
    }

    /** A context whose redactor knows the fake's webhook URL, as the engine's knows configured secrets. */
    static TestContext context(FakeTeams teams) {
        return TestContext.of("security-teams").withSecretValues(teams.webhookUrl());
    }

    /** Creates the notifier through the provider and checks, as the runner does, that every key was read. */
    static TeamsNotifier create(YamlPluginConfig config, TestContext context) {
        TeamsNotifier notifier = (TeamsNotifier) new TeamsNotifierProvider().create(config, context);
        config.requireAllUsed();
        return notifier;
    }

    static TeamsNotifier create(FakeTeams teams) {
        return create(config(teams, Map.of()), context(teams));
    }

    /** The card of a request body: {@code attachments[0].content}. */
    static JsonNode cardOf(String body) {
        try {
            return JSON.readTree(body).path("attachments").path(0).path("content");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints about a card, as text; empty when it is valid. */
    static List<String> violations(JsonNode card) {
        return SCHEMA.validate(card.toString(), InputFormat.JSON).stream().map(Error::toString).toList();
    }

    /**
     * Checks every card the fake received (posted or not, since Workflows answers 202 before it looks at the card)
     * against the Adaptive Card schema, and that the envelope is the one Workflows takes.
     *
     * @return how many cards were checked
     */
    static int assertEveryCardValid(FakeTeams teams) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (FakeTeams.Request request : teams.requests()) {
            JsonNode message;
            try {
                message = JSON.readTree(request.body());
            } catch (IOException e) {
                problems.add("a request body is not JSON");
                continue;
            }
            assertThat(message.path("type").asText()).as("message type").isEqualTo("message");
            assertThat(message.path("attachments")).as("attachments").hasSize(1);
            assertThat(message.path("attachments").path(0).path("contentType").asText())
                    .isEqualTo("application/vnd.microsoft.card.adaptive");
            JsonNode card = message.path("attachments").path(0).path("content");
            assertThat(card.path("version").asText()).isEqualTo("1.4");
            assertThat(card.path("$schema").asText()).isEqualTo(SCHEMA_ID);
            violations(card).forEach(v -> problems.add(v));
            checked++;
        }
        assertThat(problems).as("Adaptive Card schema violations").isEmpty();
        return checked;
    }

    private static Schema loadSchema() {
        try (InputStream in = TeamsTestSupport.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the schema is not on the class path at " + SCHEMA_RESOURCE);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // The schema names itself with draft-04's "id" though it declares draft-06, whose keyword is "$id": the
            // validator's draft-06 dialect refuses "id", so it is taught to pass it by (it is only the schema's name),
            // with the schema's own annotations (the card version a property needs, feature numbers, an example).
            Dialect draft6 = Dialect.builder(Dialects.getDraft6()).keyword(new NonValidationKeyword("id"))
                    .keyword(new NonValidationKeyword("version")).keyword(new NonValidationKeyword("features"))
                    .keyword(new NonValidationKeyword("example")).build();
            SchemaRegistry registry = SchemaRegistry.withDialect(draft6,
                    builder -> builder.schemas(Map.of(SCHEMA_ID, text)));
            return registry.getSchema(SchemaLocation.of(SCHEMA_ID));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
