package com.example.mfa.gitlab;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.PluginProvider;
import dev.mfamonitor.spi.SpiVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitLabMonitorProviderTest {
    @TempDir
    Path dir;

    private YamlPluginConfig config(Map<String, Object> values) {
        return new YamlPluginConfig("monitor", "gitlab-corp", "gitlab", values, dir,
                name -> name.equals("GITLAB_TOKEN") ? GitLabFixture.TOKEN : null);
    }

    private Map<String, Object> valid() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("url", "https://gitlab.example.com/");
        values.put("token", "${env:GITLAB_TOKEN}");
        return values;
    }

    private GitLabMonitor create(Map<String, Object> values) {
        YamlPluginConfig config = config(values);
        Monitor monitor = new GitLabMonitorProvider().create(config, GitLabFixture.context());
        config.requireAllUsed();
        return (GitLabMonitor) monitor;
    }

    @Test
    void isFoundByTheServiceLoaderAsTypeGitlabBuiltAgainstTheCurrentSpi() {
        assertThat(ServiceLoader.load(MonitorProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(p -> p instanceof GitLabMonitorProvider)
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.type()).isEqualTo("gitlab");
                    assertThat(((PluginProvider<?>) p).spiVersion()).isEqualTo(SpiVersion.CURRENT);
                });
    }

    @Test
    void acceptsEveryKey() {
        Map<String, Object> values = valid();
        values.put("group", "platform/backend");
        values.put("timeout", "45s");

        create(values).close();
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopback() {
        Map<String, Object> values = valid();
        values.put("url", "http://gitlab.example.com");

        assertThatThrownBy(() -> create(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'url': plain http to gitlab.example.com would send credentials in clear; use "
                        + "https (plain http is allowed only to a loopback address)");

        values.put("url", "http://127.0.0.1:8080");
        create(values).close();
        values.put("url", "http://localhost:8080");
        create(values).close();
    }

    @Test
    void anApiUrlIsRefusedNamingTheFix() {
        Map<String, Object> values = valid();
        values.put("url", "https://gitlab.example.com/api/v4");

        assertThatThrownBy(() -> create(values))
                .hasMessageContaining("names the API; write the instance's base URL without /api/v4");
    }

    @Test
    void theTokenIsRequiredAndItsValueIsNeverShown() {
        Map<String, Object> values = valid();
        values.remove("token");

        assertThatThrownBy(() -> create(values)).hasMessage("monitor 'gitlab-corp' (type gitlab): property 'token': is required: "
                + "a secret, written ${env:NAME} or ${file:PATH}");

        values.put("token", "${env:GITLAB_TOKEN}");
        values.put("timeout", "soon");
        assertThatThrownBy(() -> create(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'soon' is not valid")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(GitLabFixture.TOKEN));
    }

    @Test
    void aMisspeltKeyIsAnError() {
        Map<String, Object> values = valid();
        values.put("gruop", "acme");

        assertThatThrownBy(() -> create(values))
                .hasMessage("property 'gruop' is not used by monitor 'gitlab-corp' (type gitlab); known: group, timeout, token, url");
    }

    @Test
    void aGroupMustBeAnIdOrAFullPath() {
        Map<String, Object> values = valid();
        values.put("group", "/acme/");

        assertThatThrownBy(() -> create(values)).hasMessageContaining("property 'group': '/acme/' is not a group");
    }
}
