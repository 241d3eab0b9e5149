package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.SpiVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntraMonitorProviderTest {
    private final EntraFixture fixture = new EntraFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private ConfigException error(Map<String, Object> values) {
        try {
            new EntraMonitorProvider().create(fixture.yaml(values), fixture.context);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains("entra-contoso").doesNotContain(EntraFixture.SECRET);
            return e;
        }
        throw new AssertionError("no configuration error for " + values);
    }

    private Map<String, Object> with(String key, Object value) {
        Map<String, Object> values = new HashMap<>(fixture.config(Map.of()));
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
        return values;
    }

    @Test
    void theProviderIsFoundByTheServiceLoaderAsTypeEntraOnSpi2() {
        List<String> types = ServiceLoader.load(MonitorProvider.class).stream().map(p -> p.get().type()).toList();
        assertThat(types).contains("entra");
        assertThat(new EntraMonitorProvider().spiVersion()).isEqualTo(SpiVersion.CURRENT);
    }

    @Test
    void everyKeyIsReadAndTheDefaultsAreTheGlobalCloud() {
        YamlPluginConfig config = fixture.yaml(Map.of("tenantId", EntraFixture.TENANT, "clientId", EntraFixture.CLIENT,
                "clientSecret", "${env:ENTRA_SECRET}"));
        EntraSettings settings = EntraSettings.from(config, fixture.context);

        assertThat(settings.graphEndpoint()).hasToString("https://graph.microsoft.com");
        assertThat(settings.tokenUri()).hasToString("https://login.microsoftonline.com/" + EntraFixture.TENANT + "/oauth2/v2.0/token");
        assertThat(settings.scope()).isEqualTo("https://graph.microsoft.com/.default");
        assertThat(settings.fullScanInterval()).hasHours(24);
        assertThat(settings.mfaField()).isEqualTo(EntraSettings.MfaField.REGISTERED);
        assertThat(settings.credential().toString()).doesNotContain(EntraFixture.SECRET);

        YamlPluginConfig all = fixture.yaml(fixture.config(Map.of("timeout", "10s", "fullScanInterval", "12h", "mfaField", "capable")));
        EntraSettings.from(all, fixture.context);
        assertThat(all.unusedKeys()).isEmpty();
    }

    @Test
    void badValuesAreConfigurationErrorsNamingTheKey() {
        assertThat(error(with("tenantId", null)).getMessage()).contains("tenantId");
        assertThat(error(with("tenantId", "../evil")).getMessage()).contains("tenantId").contains("Directory (tenant) ID");
        assertThat(error(with("clientId", "my-app")).getMessage()).contains("clientId").contains("Application (client) ID");
        assertThat(error(with("clientSecret", null)).getMessage()).contains("clientSecret").contains("certificate");
        assertThat(error(with("certificate", "${env:ENTRA_SECRET}")).getMessage()).contains("either clientSecret or certificate");
        assertThat(error(with("mfaField", "strong")).getMessage()).contains("mfaField").contains("registered, capable");
        assertThat(error(with("graphEndpoint", "http://graph.example.com")).getMessage()).contains("graphEndpoint");
        assertThat(error(with("loginEndpoint", "https://login.example.com/tenant")).getMessage()).contains("loginEndpoint")
                .contains("scheme and host only");
        assertThat(error(with("timeout", "0s")).getMessage()).contains("timeout");
    }

    @Test
    void aLiteralSecretIsRefused() {
        assertThatThrownBy(() -> new EntraMonitorProvider().create(fixture.yaml(with("clientSecret", EntraFixture.SECRET)), fixture.context))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clientSecret")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(EntraFixture.SECRET));
    }
}
