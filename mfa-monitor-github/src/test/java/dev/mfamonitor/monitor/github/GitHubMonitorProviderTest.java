package dev.mfamonitor.monitor.github;

import java.time.Instant;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.PluginContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static dev.mfamonitor.monitor.github.GitHubFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitHubMonitorProviderTest {
    private static final PluginContext CONTEXT = TestContext.at("github-acme", Instant.now()).withSecretValues(TOKEN);

    private static YamlPluginConfig config(Map<String, Object> values) {
        return new YamlPluginConfig("monitor", "github-acme", "github", values, Path.of("."),
                name -> name.equals("GITHUB_TOKEN") ? TOKEN : null);
    }

    private static Map<String, Object> base() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("organization", "acme");
        values.put("token", "${env:GITHUB_TOKEN}");
        return values;
    }

    @Test
    void declaresTheSpiItWasBuiltAgainst() {
        assertThat(new GitHubMonitorProvider().spiVersion()).isEqualTo(dev.mfamonitor.spi.SpiVersion.CURRENT);
    }

    @Test
    void isFoundAsTypeGithub() {
        assertThat(ServiceLoader.load(MonitorProvider.class).stream().map(p -> p.get().type())).contains("github");
    }

    @Test
    void readsEveryDocumentedKeyWithItsDefault() {
        YamlPluginConfig config = config(base());
        GitHubMonitor monitor = (GitHubMonitor) new GitHubMonitorProvider().create(config, CONTEXT);
        config.requireAllUsed();
        assertThat(monitor).isNotNull();
        assertThatThrownBy(() -> {
            Map<String, Object> values = base();
            values.put("tokn", "x");
            YamlPluginConfig withTypo = config(values);
            new GitHubMonitorProvider().create(withTypo, CONTEXT);
            withTypo.requireAllUsed();
        }).isInstanceOf(ConfigException.class).hasMessage("property 'tokn' is not used by monitor 'github-acme' (type github); "
                + "known: appId, endpoint, fullScanInterval, installationId, organization, outsideCollaborators, privateKey, "
                + "timeout, token, weakMfa");
    }

    private static final String KEY_CANARY = "Q0FOQVJZa2V5Ym9keQ";

    private static Map<String, Object> app(String pem) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("organization", "acme");
        values.put("appId", 12345);
        values.put("privateKey", "${env:APP_KEY}");
        return values;
    }

    private static YamlPluginConfig appConfig(Map<String, Object> values, String pem) {
        return new YamlPluginConfig("monitor", "github-acme", "github", values, Path.of("."),
                name -> name.equals("GITHUB_TOKEN") ? TOKEN : name.equals("APP_KEY") ? pem : null);
    }

    private static String appKeyError(String pem) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> new GitHubMonitorProvider().create(appConfig(app(pem), pem), CONTEXT));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        assertThat(thrown.getMessage()).doesNotContain(KEY_CANARY);
        return thrown.getMessage();
    }

    @Test
    void aGitHubAppWithAPkcs1OrPkcs8KeyIsAccepted() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair keys = generator.generateKeyPair();
        for (String pem : List.of(GitHubAppTest.pkcs8Pem(keys), GitHubAppTest.pkcs1Pem(keys))) {
            Map<String, Object> values = app(pem);
            values.put("installationId", "678");
            YamlPluginConfig config = appConfig(values, pem);
            assertThat(new GitHubMonitorProvider().create(config, CONTEXT)).isInstanceOf(GitHubMonitor.class);
            config.requireAllUsed();
        }
        // The PKCS#1 key converted here is the very key: its PKCS#8 form is what Java itself encodes.
        assertThat(AppPrivateKey.parse(GitHubAppTest.pkcs1Pem(keys)).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void tokenAndAppKeysTogetherOrNeitherAreRefused() {
        Map<String, Object> both = base();
        both.put("appId", 12345);
        both.put("privateKey", "${env:GITHUB_TOKEN}");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(both), CONTEXT))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'github-acme' (type github): set either token: (a personal access token of an owner of "
                        + "acme) or the GitHub App keys appId:, privateKey: and optionally installationId:, not both")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        Map<String, Object> neither = base();
        neither.remove("token");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(neither), CONTEXT))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'github-acme' (type github): property 'token': is required: a personal access token of "
                        + "an owner of acme, written ${env:NAME} or ${file:PATH}; or authenticate as a GitHub App with appId:, "
                        + "privateKey: and optionally installationId:");
    }

    @Test
    void incompleteOrBadAppKeysNameTheKey() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + KEY_CANARY + "==\n-----END RSA PRIVATE KEY-----";
        Map<String, Object> noKey = app(pem);
        noKey.remove("privateKey");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(appConfig(noKey, pem), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'privateKey': is required with appId: the App's "
                        + "private key (.pem), written ${file:PATH} or ${env:NAME}");
        Map<String, Object> noId = app(pem);
        noId.remove("appId");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(appConfig(noId, pem), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'appId': is required with privateKey: the GitHub "
                        + "App's id (App settings, 'App ID')");
        Map<String, Object> onlyInstallation = base();
        onlyInstallation.remove("token");
        onlyInstallation.put("installationId", 678);
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(onlyInstallation), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'appId': is required with privateKey: the GitHub "
                        + "App's id (App settings, 'App ID')");
        Map<String, Object> badId = app(pem);
        badId.put("appId", "my-app");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(appConfig(badId, pem), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'appId': 'my-app' is not valid; expected a whole "
                        + "number greater than zero");
        Map<String, Object> badInstallation = app(pem);
        badInstallation.put("installationId", 0);
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(appConfig(badInstallation, pem), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'installationId': '0' is not valid; expected a "
                        + "whole number greater than zero");
    }

    @Test
    void aMalformedKeyIsAConfigErrorThatNeverPrintsTheKey() {
        String prefix = "monitor 'github-acme' (type github): property 'privateKey': ";
        assertThat(appKeyError(KEY_CANARY)).isEqualTo(prefix + "is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- "
                + "/ -----END ...----- block); give the .pem file GitHub generated for the App, through ${file:PATH} or "
                + "${env:NAME}");
        assertThat(appKeyError("-----BEGIN RSA PRIVATE KEY-----\n" + KEY_CANARY + "==\n-----END RSA PRIVATE KEY-----"))
                .isEqualTo(prefix + "the RSA PRIVATE KEY block is not a readable RSA private key; the key file seems damaged "
                        + "(a PKCS#8 copy: openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out app-key-pkcs8.pem)");
        assertThat(appKeyError("-----BEGIN PRIVATE KEY-----\n" + KEY_CANARY + "==\n-----END PRIVATE KEY-----"))
                .isEqualTo(prefix + "the PRIVATE KEY block is not a readable RSA private key; the key file seems damaged "
                        + "(a PKCS#8 copy: openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out app-key-pkcs8.pem)");
        assertThat(appKeyError("-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + KEY_CANARY + "==\n-----END ENCRYPTED PRIVATE KEY-----"))
                .isEqualTo(prefix + "is encrypted (BEGIN ENCRYPTED PRIVATE KEY); give the unencrypted key: openssl pkcs8 "
                        + "-topk8 -nocrypt -in KEY.pem -out app-key-pkcs8.pem");
        assertThat(appKeyError("-----BEGIN EC PRIVATE KEY-----\n" + KEY_CANARY + "==\n-----END EC PRIVATE KEY-----"))
                .isEqualTo(prefix + "is a 'EC PRIVATE KEY' block; a GitHub App key is an RSA key, BEGIN RSA PRIVATE KEY (as "
                        + "GitHub hands it out) or BEGIN PRIVATE KEY (PKCS#8)");
        assertThat(appKeyError("")).isEqualTo(prefix + "is empty; check the variable or file it is read from");
    }

    @Test
    void aMissingTokenSaysWhatIsNeeded() {
        Map<String, Object> values = base();
        values.remove("token");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(values), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'token': is required: a personal access token of "
                        + "an owner of acme, written ${env:NAME} or ${file:PATH}; or authenticate as a GitHub App with appId:, "
                        + "privateKey: and optionally installationId:");
    }

    @Test
    void badValuesNameTheKey() {
        Map<String, Object> org = base();
        org.put("organization", "https://github.com/acme");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(org), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'organization': 'https://github.com/acme' is not a "
                        + "GitHub organisation login; write the name as in https://github.com/NAME");
        Map<String, Object> endpoint = base();
        endpoint.put("endpoint", "ftp://ghe.example.com");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(endpoint), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'endpoint': 'ftp://ghe.example.com' is not an API "
                        + "root; write https://api.github.com or https://HOST/api/v3");
        Map<String, Object> interval = base();
        interval.put("fullScanInterval", "0s");
        assertThatThrownBy(() -> new GitHubMonitorProvider().create(config(interval), CONTEXT))
                .hasMessage("monitor 'github-acme' (type github): property 'fullScanInterval': must be longer than zero");
    }
}
