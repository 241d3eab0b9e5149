package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad configuration fails at start-up naming the key and what to do, never printing a secret. */
class OktaMonitorProviderTest {
    private final OktaFixture fixture = new OktaFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private void assertRefused(Map<String, ?> values, String message) {
        assertThatThrownBy(() -> fixture.monitor(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining(OktaFixture.TOKEN);
    }

    @Test
    void theTypeIsOktaAndItDeclaresItsNoticeTypes() {
        assertThat(new OktaMonitorProvider().type()).isEqualTo("okta");
        assertThat(new OktaMonitorProvider().eventTypes()).extracting(t -> t.name())
                .containsExactly("okta.ADMIN_ROLES_UNREADABLE", "okta.SYSTEM_LOG_UNREADABLE");
    }

    @Test
    void aCredentialIsRequiredAndOnlyOne() {
        Map<String, Object> none = new HashMap<>(fixture.config(Map.of()));
        none.remove("token");
        assertRefused(none, "property 'token': missing: set token (an API token, written ${env:NAME} or ${file:PATH}) "
                + "or clientId and privateKey");
        assertRefused(fixture.config(Map.of("clientId", OktaFixture.CLIENT_ID)), "set either token (an API token) or "
                + "clientId and privateKey (a service app), not both");
        Map<String, Object> app = new HashMap<>(fixture.serviceAppConfig(Map.of()));
        app.remove("privateKey");
        assertRefused(app, "property 'privateKey': missing");
        fixture.environment.put("PKCS1", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----\n");
        assertRefused(fixture.serviceAppConfig(Map.of("privateKey", "${env:PKCS1}")), "is a PKCS#1 key (BEGIN RSA "
                + "PRIVATE KEY); convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aLiteralTokenIsRefusedAsEverySecretIs() {
        assertThatThrownBy(() -> fixture.monitor(fixture.config(Map.of("token", OktaFixture.TOKEN))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'token'")
                .hasMessageNotContaining(OktaFixture.TOKEN);
    }

    @Test
    void theOrgUrlIsAnOriginOverHttpsAndNotTheAdminConsole() {
        assertRefused(fixture.config(Map.of("orgUrl", "https://acme-admin.okta.com")), "is the Admin Console's "
                + "address; the API is on the org URL without '-admin' (https://acme.okta.com)");
        assertRefused(fixture.config(Map.of("orgUrl", "https://acme.okta.com/oauth2/default")), "must be the org's "
                + "origin only, like https://acme.okta.com");
        assertRefused(fixture.config(Map.of("orgUrl", "http://acme.okta.com")), "orgUrl");
        assertThat(fixture.monitor(fixture.config(Map.of("orgUrl", "https://acme.okta.com/")))).isNotNull();
    }

    @Test
    void theReserveIsAShareAndDurationsArePositive() {
        assertRefused(fixture.config(Map.of("rateLimitReservePercent", 95)), "property 'rateLimitReservePercent': 95 "
                + "is not between 0 and 90");
        assertRefused(fixture.config(Map.of("timeout", "0s")), "property 'timeout': must be positive");
        assertRefused(fixture.config(Map.of("fullScanInterval", "-1h")), "property 'fullScanInterval'");
    }

    @Test
    void aKeyIdIsForAServiceAppOnly() {
        assertRefused(fixture.config(Map.of("keyId", "abc")), "property 'keyId': is for a service app's private key");
    }
}
