package dev.mfamonitor.notifier.teams;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code teams} block: what it takes, and the errors a person gets for what it does not. */
class TeamsNotifierProviderTest {
    private static final String PREFIX = "notifier 'security-teams' (type teams): property ";
    private static final String WORKFLOW = "https://prod-00.westeurope.logic.azure.com:443/workflows/0f3c5e1a9b7d4c2e"
            + "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=abcDEF0123456789";

    private static void create(String url, Map<String, ?> extra) {
        new TeamsNotifierProvider().create(TeamsTestSupport.urlConfig(url, extra), TestContext.of("security-teams"))
                .close();
    }

    @Test
    void theProviderIsFoundByTypeAndSpeaksTheCurrentSpi() {
        NotifierProvider provider = ServiceLoader.load(NotifierProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("teams")).findFirst().orElseThrow();
        assertThat(provider).isInstanceOf(TeamsNotifierProvider.class);
        assertThat(provider.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    }

    @Test
    void aWorkflowUrlAndATimeoutAreEnough() {
        assertThatCode(() -> create(WORKFLOW, Map.of("timeout", "5s"))).doesNotThrowAnyException();
        assertThatCode(() -> create("https://default0123.ab.environment.api.powerplatform.com:443/powerautomate/"
                + "automations/direct/workflows/0f3c/triggers/manual/paths/invoke?api-version=1&sig=x", Map.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void theWebhookUrlIsRequired() {
        assertThatThrownBy(() -> new TeamsNotifierProvider().create(TeamsTestSupport.config(Map.of(), Map.of()),
                TestContext.of("security-teams")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(PREFIX + "'webhookUrl': is required: the workflow's webhook URL, written ${env:NAME} or "
                        + "${file:PATH}; in the Teams channel choose 'Workflows', create one from the template 'Post to a "
                        + "channel when a webhook request is received' and copy the URL it shows");
    }

    @Test
    void aRetiredConnectorUrlIsRefusedWithWhatToUseInstead() {
        for (String url : java.util.List.of("https://contoso.webhook.office.com/webhookb2/0000@1111/IncomingWebhook/2222/3333",
                "https://outlook.office.com/webhook/0000@1111/IncomingWebhook/2222/3333")) {
            assertThatThrownBy(() -> create(url, Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(PREFIX + "'webhookUrl': is a Microsoft 365 connector (Incoming Webhook) URL, "
                            + "and those connectors are retired: Teams takes webhooks through Workflows now")
                    .message().doesNotContain("IncomingWebhook/2222");
        }
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> create(WORKFLOW, Map.of("timeout", "0s")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(PREFIX + "'timeout': must be longer than 0s, such as 10s");
    }

    @Test
    void anUnknownKeyFailsStartUp() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("webhookUrl", "${env:TEAMS_WEBHOOK}");
        values.put("timout", "5s");
        var config = TeamsTestSupport.config(values, Map.of("TEAMS_WEBHOOK", WORKFLOW));
        new TeamsNotifierProvider().create(config, TestContext.of("security-teams")).close();
        assertThatThrownBy(config::requireAllUsed)
                .hasMessageStartingWith("property 'timout' is not used by notifier 'security-teams' (type teams); known:");
    }
}
