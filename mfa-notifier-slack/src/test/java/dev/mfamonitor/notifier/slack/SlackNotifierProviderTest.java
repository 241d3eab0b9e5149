package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration mistakes fail at start-up, naming the key, and the provider is found by its type. */
class SlackNotifierProviderTest {
    private static final String HOOK = "https://hooks.slack.com/services/T0/B0/secretpart";

    private static void create(Map<String, ?> values) {
        YamlPluginConfig config = SlackTestSupport.config(values, Map.of("HOOK", HOOK, "TOKEN", "xoxb-1-2"));
        new SlackNotifierProvider().create(config, TestContext.of("security-slack").withSecretValues(HOOK)).close();
        config.requireAllUsed();
    }

    private static Map<String, Object> with(Map<String, ?> base, String key, Object value) {
        Map<String, Object> values = new LinkedHashMap<>(base);
        values.put(key, value);
        return values;
    }

    @Test
    void theProviderIsFoundAsTypeSlack() {
        assertThat(ServiceLoader.load(NotifierProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("slack")).toList())
                .singleElement().isInstanceOf(SlackNotifierProvider.class);
    }

    @Test
    void theProviderDeclaresTheSpiItWasBuiltAgainst() {
        assertThat(new SlackNotifierProvider().spiVersion()).isEqualTo(SpiVersion.CURRENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.5/api/", "http://slack.example.com/api/", "ftp://slack.com/api/"})
    void anApiUrlMustBeHttpsOrLoopback(String apiUrl) {
        assertThatThrownBy(() -> create(Map.of("token", "${env:TOKEN}", "channel", "C1", "apiUrl", apiUrl)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'apiUrl'");
    }

    @Test
    void anApiUrlOnLoopbackIsAccepted() {
        create(Map.of("token", "${env:TOKEN}", "channel", "C1", "apiUrl", "http://127.0.0.1:9/api/"));
    }

    @Test
    void aWebhookOrATokenWithChannelAndEveryOptionalKeyAreAccepted() {
        create(Map.of("webhookUrl", "${env:HOOK}", "mention", "<!subteam^S0123ABCD> <@U0456>", "username", "mfa",
                "iconEmoji", ":rotating_light:", "timeout", "5s"));
        create(Map.of("token", "${env:TOKEN}", "channel", "C0123", "apiUrl", "https://slack-gov.com/api", "mention", "<!here>"));
    }

    @Test
    void neitherWebhookNorTokenSaysWhatToGive() {
        assertThatThrownBy(() -> create(Map.of("channel", "C1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("notifier 'security-slack' (type slack): property 'webhookUrl': is required: the incoming "
                        + "webhook's URL, written ${env:NAME} or ${file:PATH}; or give 'token' (a bot token) and 'channel' instead");
    }

    @Test
    void bothWebhookAndTokenIsAnError() {
        assertThatThrownBy(() -> create(Map.of("webhookUrl", "${env:HOOK}", "token", "${env:TOKEN}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("notifier 'security-slack' (type slack): property 'token': give either webhookUrl or token "
                        + "(with channel), not both");
    }

    @Test
    void aTokenNeedsAChannel() {
        assertThatThrownBy(() -> create(Map.of("token", "${env:TOKEN}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("notifier 'security-slack' (type slack): property 'channel': is required with 'token': the "
                        + "channel to post in, best its id (such as C0123456789)");
    }

    @Test
    void aChannelDoesNotApplyToAWebhook() {
        assertThatThrownBy(() -> create(Map.of("webhookUrl", "${env:HOOK}", "channel", "C1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("notifier 'security-slack' (type slack): property 'channel': does not apply to an incoming webhook");
    }

    @ParameterizedTest
    @ValueSource(strings = {"@security", "<!channel", "security-team", "<!subteam^S1> @here"})
    void aMentionMustBeInSlacksSyntax(String mention) {
        assertThatThrownBy(() -> create(Map.of("webhookUrl", "${env:HOOK}", "mention", mention)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("notifier 'security-slack' (type slack): property 'mention': '" + mention
                        + "' is not a Slack mention");
    }

    @Test
    void aMisspeltKeyIsReported() {
        assertThatThrownBy(() -> create(with(Map.of("webhookUrl", "${env:HOOK}"), "menton", "<!here>")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("property 'menton' is not used by notifier 'security-slack' (type slack); known:");
    }

    @Test
    void aTokenWithALineBreakIsRejectedWithoutShowingIt() {
        PluginConfig config = SlackTestSupport.config(Map.of("token", "${env:TOKEN}", "channel", "C1"),
                Map.of("TOKEN", "xoxb-secret\nmore"));
        assertThatThrownBy(() -> new SlackNotifierProvider().create(config, TestContext.of("security-slack")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("notifier 'security-slack' (type slack): property 'token': is empty or holds spaces or line "
                        + "breaks; check the variable or file it is read from");
    }
}
