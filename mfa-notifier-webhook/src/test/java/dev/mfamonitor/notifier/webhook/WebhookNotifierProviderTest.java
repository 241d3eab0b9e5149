package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.SpiVersion;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookNotifierProviderTest {
    private static final String PREFIX = "notifier 'siem' (type webhook): property ";

    @Test
    void isFoundByServiceLoaderAsTypeWebhookAndDeclaresItsSpi() {
        assertThat(ServiceLoader.load(NotifierProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(provider -> provider.type().equals("webhook"))
                .singleElement()
                .isInstanceOf(WebhookNotifierProvider.class);
        assertThat(new WebhookNotifierProvider().spiVersion()).isEqualTo(SpiVersion.CURRENT);
    }

    @Test
    void readsEveryKeyItKnows() {
        Map<String, Object> values = Map.of("url", "https://siem.example.com/hooks/mfa", "secret", TestSupport.SECRET,
                "timeout", "15s", "maxEventsPerRequest", 50, "headers", Map.of("Authorization", "Bearer abc"));
        YamlPluginConfig config = TestSupport.config(values);

        try (Notifier notifier = new WebhookNotifierProvider().create(config, TestSupport.context(values))) {
            assertThat(config.unusedKeys()).isEmpty();
            assertThat(notifier.toString()).isEqualTo("notifier 'siem' (type webhook) -> https://siem.example.com");
        }
    }

    @Test
    void aMisspeltKeyIsReportedAsUnused() {
        Map<String, Object> values = Map.of("url", "https://siem.example.com/hooks/mfa", "secet", "x");
        YamlPluginConfig config = TestSupport.config(values);

        new WebhookNotifierProvider().create(config, TestSupport.context(values)).close();

        assertThatThrownBy(config::requireAllUsed).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("property 'secet' is not used by notifier 'siem' (type webhook); known:");
    }

    @Test
    void httpsIsRequiredExceptForLoopback() {
        for (String url : new String[] {"https://siem.example.com/hooks", "http://127.0.0.1:8080/hooks",
                "http://[::1]:8080/hooks", "http://localhost/hooks"}) {
            assertThatCode(() -> create(Map.of("url", url)).close()).as(url).doesNotThrowAnyException();
        }
        for (String url : new String[] {"http://siem.example.com/hooks", "http://10.0.0.5/hooks",
                "http://localhost.example.com/hooks"}) {
            assertThatThrownBy(() -> create(Map.of("url", url))).as(url).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("property 'url'").hasMessageContaining("plain http");
        }
    }

    @Test
    void allowInsecureHttpIsGone() {
        YamlPluginConfig config = TestSupport.config(Map.of("url", "https://siem.example.com/x", "allowInsecureHttp", true));
        new WebhookNotifierProvider().create(config, TestSupport.context(Map.of())).close();

        assertThatThrownBy(config::requireAllUsed).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("property 'allowInsecureHttp' is not used");
    }

    @Test
    void aUrlThatIsNotHttpOrHoldsCredentialsIsRefused() {
        assertThatThrownBy(() -> create(Map.of("url", "ftp://siem.example.com/x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'url'");
        assertThatThrownBy(() -> create(Map.of("url", "siem.example.com/hooks")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'url'");
        assertThatThrownBy(() -> create(Map.of("url", "https://user:pw@siem.example.com/x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("user name or password");
        assertThatThrownBy(() -> create(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'url': is required");
    }

    @Test
    void aSecretMustBeWhsecBase64OfAtLeast24Bytes() {
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "secret", "x".repeat(40))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(PREFIX + "'secret': must be written whsec_ followed by the base64 of the key bytes, the "
                        + "form the Standard Webhooks libraries take (generate one with: echo \"whsec_$(openssl rand "
                        + "-base64 32)\"); to keep a plain-text secret, write whsec_ and its base64 (printf %s "
                        + "\"$SECRET\" | base64): the key bytes, and so the signatures, stay the same");
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "secret", "whsec_AAECAwQFBgcICQoLDA0ODw==")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is 16 bytes long");
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "secret", "whsec_%%%")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid base64");
    }

    @Test
    void numbersOutOfRangeAreRefused() {
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "maxEventsPerRequest", 0)))
                .hasMessage(PREFIX + "'maxEventsPerRequest': 0 is not valid; use 1 or more (default 500)");
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "timeout", "0s")))
                .hasMessage(PREFIX + "'timeout': must be longer than zero, such as 30s");
    }

    @Test
    void headersTheNotifierSetsItselfOrThatCannotBeSentAreRefused() {
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x",
                "headers", Map.of("Webhook-Signature", "v1,forged"))))
                .hasMessage(PREFIX + "'headers': 'Webhook-Signature' is set by the notifier itself and cannot be configured");
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x",
                "headers", Map.of("Bad Name", "x"))))
                .hasMessage(PREFIX + "'headers': 'Bad Name' is not a valid HTTP header name");
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x",
                "headers", Map.of("X-Token", "abc\r\nX-Injected: 1"))))
                .hasMessage(PREFIX + "'headers': the value of 'X-Token' holds a line break or a character outside"
                        + " printable ASCII (the value is not shown)");
    }

    private static Notifier create(Map<String, ?> values) {
        return new WebhookNotifierProvider().create(TestSupport.config(values), TestSupport.context(values));
    }
}
