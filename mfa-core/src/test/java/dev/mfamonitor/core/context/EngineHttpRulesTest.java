package dev.mfamonitor.core.context;

import dev.mfamonitor.spi.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP rules every plugin gets from its context (issue 11 item 2, issue 12 items 7, 10, 12). */
class EngineHttpRulesTest {
    private final EngineHttpRules rules = new EngineHttpRules("monitor 'github-acme' (type github)");

    @Test
    void httpsAnywhereAndPlainHttpOnlyToLoopback() {
        assertThat(rules.requireSecureEndpoint("endpoint", URI.create("https://ghe.example.com/api/v3")))
                .isEqualTo(URI.create("https://ghe.example.com/api/v3"));
        assertThat(rules.requireSecureEndpoint("endpoint", URI.create("http://127.0.0.1:8080/api"))).isNotNull();
        assertThat(rules.requireSecureEndpoint("endpoint", URI.create("http://localhost:8080/api"))).isNotNull();
        assertThat(rules.requireSecureEndpoint("endpoint", URI.create("http://[::1]:8080/api"))).isNotNull();
        assertThatThrownBy(() -> rules.requireSecureEndpoint("endpoint", URI.create("http://10.0.0.5/api/v3")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'github-acme' (type github): property 'endpoint': plain http to 10.0.0.5 would send "
                        + "credentials in clear; use https (plain http is allowed only to a loopback address)");
        assertThatThrownBy(() -> rules.requireSecureEndpoint("endpoint", URI.create("http://localhost.evil.com/")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> rules.requireSecureEndpoint("endpoint", URI.create("ftp://example.com/")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not an http(s) URL");
    }

    @Test
    void originsCompareSchemeHostAndPortWithDefaultPorts() {
        assertThat(rules.sameOrigin(URI.create("https://api.github.com/orgs/a"), URI.create("https://API.github.com:443/x?page=2"))).isTrue();
        assertThat(rules.sameOrigin(URI.create("https://api.github.com/"), URI.create("http://api.github.com/"))).isFalse();
        assertThat(rules.sameOrigin(URI.create("https://api.github.com/"), URI.create("https://api.github.com:8443/"))).isFalse();
        assertThat(rules.sameOrigin(URI.create("https://api.github.com/"), URI.create("https://evil.example/"))).isFalse();
    }

    @Test
    void aCredentialIsNeverSentToAnotherOrigin() {
        assertThatThrownBy(() -> rules.requireSameOrigin(URI.create("https://api.github.com/orgs/acme"),
                URI.create("http://10.9.9.9:8080/orgs/acme/members?page=2")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("monitor 'github-acme' (type github): the server sent us on to http://10.9.9.9:8080, another "
                        + "origin than the configured https://api.github.com; the credential is not sent there. Check the "
                        + "endpoint (a proxy rewriting links?)");
    }
}
