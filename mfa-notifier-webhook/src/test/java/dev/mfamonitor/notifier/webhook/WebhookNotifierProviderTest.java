package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookNotifierProviderTest {
    private static final String PREFIX = "notifier 'siem' (type webhook): property ";

    @Test
    void isFoundByServiceLoaderAsTypeWebhook() {
        assertThat(ServiceLoader.load(NotifierProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(provider -> provider.type().equals("webhook"))
                .singleElement()
                .isInstanceOf(WebhookNotifierProvider.class);
    }

    @Test
    void readsEveryKeyItKnows() {
        PluginConfig config = TestSupport.config(Map.of("url", "https://siem.example.com/hooks/mfa",
                "secret", "${env:WEBHOOK_SECRET}", "timeout", "15s", "maxEventsPerRequest", 50,
                "allowInsecureHttp", false, "headers", Map.of("Authorization", "${env:WEBHOOK_AUTH}")),
                Map.of("WEBHOOK_SECRET", TestSupport.SECRET, "WEBHOOK_AUTH", "Bearer abc"));

        try (Notifier notifier = new WebhookNotifierProvider().create(config)) {
            assertThat(config.unusedKeys()).isEmpty();
            assertThat(notifier.toString()).isEqualTo("notifier 'siem' (type webhook) -> https://siem.example.com");
        }
    }

    @Test
    void aMisspeltKeyIsReportedAsUnused() {
        PluginConfig config = TestSupport.config(Map.of("url", "https://siem.example.com/hooks/mfa",
                "secet", TestSupport.SECRET));

        new WebhookNotifierProvider().create(config).close();

        assertThatThrownBy(config::requireAllUsed).isInstanceOf(ConfigException.class)
                .hasMessage("property 'secet' is not used by notifier 'siem' (type webhook); known: allowInsecureHttp,"
                        + " headers, maxEventsPerRequest, secret, timeout, url");
    }

    @Test
    void httpsIsRequiredExceptForLoopbackOrWhenInsecureHttpIsAllowed() {
        for (String url : new String[] {"https://siem.example.com/hooks", "https://10.0.0.5:8443/x",
                "http://127.0.0.1:8080/hooks", "http://[::1]:8080/hooks", "http://localhost/hooks"}) {
            assertThatCode(() -> create(Map.of("url", url)).close()).as(url).doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> create(Map.of("url", "http://siem.example.com/hooks")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(PREFIX + "'url': uses http to siem.example.com, so alerts and headers would cross the network"
                        + " unencrypted; use https (http is accepted only for 127.0.0.1, ::1 and localhost), or set"
                        + " allowInsecureHttp: true if that network path is trusted");
        assertThatThrownBy(() -> create(Map.of("url", "http://127.0.0.2/hooks"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> create(Map.of("url", "http://localhost.example.com/hooks"))).isInstanceOf(ConfigException.class);
        assertThatCode(() -> create(Map.of("url", "http://siem.internal/hooks", "allowInsecureHttp", true)).close())
                .doesNotThrowAnyException();
    }

    @Test
    void aUrlThatIsNotHttpOrHoldsCredentialsIsRefused() {
        assertThatThrownBy(() -> create(Map.of("url", "ftp://siem.example.com/x")))
                .hasMessage(PREFIX + "'url': is not an absolute http or https URL (the value is not shown, as it may hold"
                        + " a token); write it as https://host/path");
        assertThatThrownBy(() -> create(Map.of("url", "siem.example.com/hooks")))
                .hasMessageStartingWith(PREFIX + "'url': is not an absolute http or https URL");
        assertThatThrownBy(() -> create(Map.of("url", "https://user:pw@siem.example.com/x")))
                .hasMessage(PREFIX + "'url': holds a user name or password; put credentials under headers (such as"
                        + " Authorization: \"${env:WEBHOOK_AUTH}\"), where they are treated as secrets");
        assertThatThrownBy(() -> create(Map.of()))
                .hasMessage(PREFIX + "'url': is required: the receiver's address, such as https://siem.example.com/hooks/mfa");
    }

    @Test
    void aSecretShorterThan24BytesIsRefusedAtStartUp() {
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "secret", "x".repeat(23))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(PREFIX + "'secret': is 23 bytes long; a signing secret needs at least 24 bytes (192 bits),"
                        + " such as the output of 'openssl rand -base64 32' prefixed with whsec_");
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "secret", "whsec_AAECAwQFBgcICQoLDA0ODw==")))
                .hasMessageStartingWith(PREFIX + "'secret': is 16 bytes long");
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "secret", "whsec_%%%")))
                .hasMessageStartingWith(PREFIX + "'secret': starts with whsec_ but what follows is not valid base64");
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
        assertThatThrownBy(() -> create(Map.of("url", "https://siem.example.com/x", "headers", "X-Token: abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'headers'");
    }

    private static Notifier create(Map<String, ?> values) {
        return new WebhookNotifierProvider().create(TestSupport.config(values));
    }
}
