package dev.mfamonitor.notifier.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.testkit.NotifierContract;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema check the other tests rely on really checks: the official Adaptive Card schema accepts the notifier's
 * card and rejects cards a Workflows flow could not post (where it would fail silently after answering 202).
 */
class CardSchemaTest {
    private static JsonNode card() {
        return TeamsTestSupport.cardOf(TeamsCard.render(NotifierContract.notificationOf(NotifierContract.sampleEvents()))
                .json());
    }

    @Test
    void theNotifiersCardIsValid() {
        assertThat(TeamsTestSupport.violations(card())).isEmpty();
    }

    @Test
    void aTextBlockWithoutTextIsRejected() {
        ObjectNode broken = (ObjectNode) card();
        ((ObjectNode) broken.path("body").path(2)).remove("text");
        assertThat(TeamsTestSupport.violations(broken)).isNotEmpty();
    }

    @Test
    void aPropertyTheSchemaDoesNotKnowIsRejected() {
        // Teams' own "msteams": {"width": "Full"} is such a property: valid for Teams, not for the 1.4 schema, so the
        // notifier does not send it.
        ObjectNode broken = (ObjectNode) card();
        broken.putObject("msteams").put("width", "Full");
        assertThat(TeamsTestSupport.violations(broken)).isNotEmpty();
    }

    @Test
    void aWrongValueIsRejected() {
        ObjectNode colour = (ObjectNode) card();
        ((ObjectNode) colour.path("body").path(3)).put("color", "red");
        assertThat(TeamsTestSupport.violations(colour)).isNotEmpty();

        ObjectNode wrap = (ObjectNode) card();
        ((ObjectNode) wrap.path("body").path(3)).put("wrap", "yes");
        assertThat(TeamsTestSupport.violations(wrap)).isNotEmpty();

        ObjectNode type = (ObjectNode) card();
        ((ObjectNode) type.path("body").path(3)).put("type", "Markdown");
        assertThat(TeamsTestSupport.violations(type)).isNotEmpty();
    }
}
