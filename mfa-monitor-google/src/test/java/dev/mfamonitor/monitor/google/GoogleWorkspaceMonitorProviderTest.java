package dev.mfamonitor.monitor.google;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.SpiVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoogleWorkspaceMonitorProviderTest {
    private final GoogleFixture fixture = new GoogleFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void isFoundByTheServiceLoaderAsGoogleWorkspaceOnTheCurrentSpi() {
        assertThat(ServiceLoader.load(MonitorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("google-workspace")).toList())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p).isInstanceOf(GoogleWorkspaceMonitorProvider.class);
                    assertThat(p.spiVersion()).isEqualTo(SpiVersion.CURRENT);
                });
    }

    @Test
    void everyKeyItKnowsIsReadSoThatAMisspeltOneIsReported() {
        fixture.set("customer", "my_customer").set("timeout", "20s").set("custmer", "C01234abc");
        YamlPluginConfig config = fixture.config();
        fixture.context.withSecretValues(fixture.keyJson());

        new GoogleWorkspaceMonitorProvider().create(config, fixture.context).close();

        assertThat(config.unusedKeys()).containsExactly("custmer");
    }

    @Test
    void plainHttpToAnotherHostIsRefusedForTheEndpoint() {
        fixture.set("endpoint", "http://admin.googleapis.com");

        assertThatThrownBy(fixture::monitor).isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'endpoint': plain http to admin.googleapis.com would send credentials in clear");
    }

    @Test
    void plainHttpToAnotherHostIsRefusedForTheKeysTokenUri() {
        fixture.key(fixture.fake.serviceAccountKeyJson().replace(fixture.fake.tokenUri().toString(), "http://oauth2.example.com/token"));

        assertThatThrownBy(fixture::monitor).isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'serviceAccountKey token_uri': plain http to oauth2.example.com");
    }

    @Test
    void aBadAdminEmailCustomerOrTimeoutIsNamed() {
        fixture.set("adminEmail", "admin");
        assertThatThrownBy(fixture::monitor).hasMessageContaining("property 'adminEmail': 'admin' is not an email address");

        GoogleFixture other = new GoogleFixture();
        try (other) {
            other.set("customer", "acme.example");
            assertThatThrownBy(other::monitor).hasMessageContaining("property 'customer': 'acme.example' is not a customer;"
                    + " write my_customer");
        }
        GoogleFixture third = new GoogleFixture();
        try (third) {
            third.set("timeout", "0s");
            assertThatThrownBy(third::monitor).hasMessageContaining("property 'timeout': must be positive");
        }
    }

    @Test
    void theKeyIsRequired() {
        YamlPluginConfig config = new YamlPluginConfig("monitor", "w", "google-workspace",
                java.util.Map.of("adminEmail", "a@acme.example"), java.nio.file.Path.of("."), name -> null);

        assertThatThrownBy(() -> new GoogleWorkspaceMonitorProvider().create(config, fixture.context))
                .isInstanceOf(ConfigException.class).hasMessageContaining("serviceAccountKey");
    }
}
