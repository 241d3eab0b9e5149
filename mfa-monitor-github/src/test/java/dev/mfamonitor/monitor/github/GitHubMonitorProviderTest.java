package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

import static dev.mfamonitor.monitor.github.GitHubFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitHubMonitorProviderTest {

    private static PluginConfig config(Map<String, Object> values) {
        return new PluginConfig("monitor", "github-acme", "github", values, Path.of("."),
                name -> name.equals("GITHUB_TOKEN") ? TOKEN : null);
    }

    private static Map<String, Object> base() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("organization", "acme");
        values.put("token", "${env:GITHUB_TOKEN}");
        return values;
    }

    @Test
    void isFoundAsTypeGithub() {
        assertThat(ServiceLoader.load(MonitorProvider.class).stream().map(p -> p.get().type())).contains("github");
    }

    @Test
    void readsEveryDocumentedKeyWithItsDefault() {
        PluginConfig config = config(base());
        GitHubMonitor monitor = (GitHubMonitor) new GitHubMonitorProvider().create(config);
        config.requireAllUsed();
        assertThat(monitor).isNotNull();
        assertThatThrownBy(() -> {
            Map<String, Object> values = base();
            values.put("tokn", "x");
            PluginConfig withTypo = config(values);
            new GitHubMonitorProvider().create(withTypo);
            withTypo.requireAllUsed();
        }).isInstanceOf(ConfigException.class).hasMessage("property 'tokn' is not used by monitor 'github-acme' (type github); "
                + "known: appId, endpoint, fullScanInterval, installationId, organization, outsideCollaborators, privateKey, "
                + "timeout, token, weakMfa");
    }

    @Test
    void gitHubAppKeysAreRefusedPlainlyNotIgnored() {
        Map<String, Object> values = base();
        values.remove("token");
        values.put("appId", "12345");
        values.put("privateKey", "${env:GITHUB_TOKEN}");
        values.put("installationId", "678");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(values)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'github-acme' (type github): GitHub App authentication (appId, privateKey, installationId) "
                        + "is not supported yet; remove those keys and set token: to a personal access token of an owner of "
                        + "acme, written ${env:NAME} or ${file:PATH}")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    @Test
    void aMissingTokenSaysWhatIsNeeded() {
        Map<String, Object> values = base();
        values.remove("token");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(values)))
                .hasMessage("monitor 'github-acme' (type github): property 'token': is required: a personal access token of "
                        + "an owner of acme, written ${env:NAME} or ${file:PATH}");
    }

    @Test
    void badValuesNameTheKey() {
        Map<String, Object> org = base();
        org.put("organization", "https://github.com/acme");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(org)))
                .hasMessage("monitor 'github-acme' (type github): property 'organization': 'https://github.com/acme' is not a "
                        + "GitHub organisation login; write the name as in https://github.com/NAME");
        Map<String, Object> endpoint = base();
        endpoint.put("endpoint", "ftp://ghe.example.com");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(endpoint)))
                .hasMessage("monitor 'github-acme' (type github): property 'endpoint': 'ftp://ghe.example.com' is not an API "
                        + "root; write https://api.github.com or https://HOST/api/v3");
        Map<String, Object> interval = base();
        interval.put("fullScanInterval", "0s");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(interval)))
                .hasMessage("monitor 'github-acme' (type github): property 'fullScanInterval': must be longer than zero");
    }
}
