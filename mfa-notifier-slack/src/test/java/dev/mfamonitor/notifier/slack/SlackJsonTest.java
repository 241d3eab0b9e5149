package dev.mfamonitor.notifier.slack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.testkit.NotifierContract;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body's exact bytes, not only its meaning: {@code golden-wire.json} is what the Slack SDK's Gson settings wrote
 * for the golden run (with a mention, a name and an icon) before the notifier dropped the SDK; the same keys in the
 * same order and the same escaping must come out.
 */
class SlackJsonTest {

    @Test
    void theGoldenRunIsWrittenByteForByteAsTheSlackSdkWroteIt() throws Exception {
        SlackMessage message = SlackMessage.render(NotifierContract.notificationOf(SlackMessageGoldenTest.goldenEvents()),
                Optional.of("<!here>"));

        String written = SlackJson.write(SlackJson.payload(message, Optional.of("mfa\"<bot>"), Optional.of(":x:")));

        try (InputStream in = SlackJsonTest.class.getResourceAsStream("golden-wire.json")) {
            assertThat(in).as("test resource golden-wire.json").isNotNull();
            assertThat(written).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void stringsAreEscapedAsGsonEscapesThem() {
        SlackMessage message = new SlackMessage("<>&='\"\\\u2028\u2029\u0001\u001f\b\t\n\f\r\u007fé\uD83D\uDE00/",
                List.of(new Block.Context(List.of("a", "b"))));

        assertThat(SlackJson.write(SlackJson.payload(message, Optional.empty(), Optional.empty()))).isEqualTo(
                "{\"text\":\"\\u003c\\u003e\\u0026\\u003d\\u0027\\\"\\\\\\u2028\\u2029\\u0001\\u001f\\b\\t\\n\\f\\r"
                        + "\u007fé\uD83D\uDE00/\",\"blocks\":[{\"type\":\"context\",\"elements\":["
                        + "{\"type\":\"mrkdwn\",\"text\":\"a\",\"verbatim\":true},"
                        + "{\"type\":\"mrkdwn\",\"text\":\"b\",\"verbatim\":true}]}],"
                        + "\"unfurl_links\":false,\"unfurl_media\":false}");
    }

    @Test
    void chatPostMessageAnswersAreReadOnlyWhenTheyAreOneJsonObject() {
        assertThat(SlackJson.object("{\"ok\":false,\"error\":\"invalid_auth\"}")).map(n -> n.path("error").asText())
                .hasValue("invalid_auth");
        assertThat(SlackJson.object("")).isEmpty();
        assertThat(SlackJson.object("<html>captive portal</html>")).isEmpty();
        assertThat(SlackJson.object("[1]")).isEmpty();
        assertThat(SlackJson.object("{\"ok\":true} {\"ok\":false}")).isEmpty();
        ObjectNode payload = SlackJson.payload(new SlackMessage("t", List.of()), Optional.empty(), Optional.empty());
        assertThat(payload.fieldNames()).toIterable().containsExactly("text", "blocks", "unfurl_links", "unfurl_media");
    }
}
