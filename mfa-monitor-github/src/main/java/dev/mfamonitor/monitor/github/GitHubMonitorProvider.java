package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * {@code type: github}: the 2FA status of every member (and outside collaborator) of one GitHub organisation.
 *
 * <pre>
 * monitors:
 *   - id: github-acme
 *     type: github
 *     organization: acme
 *     token: "${env:GITHUB_TOKEN}"        # a token of an owner of acme
 *     # endpoint: https://ghe.example.com/api/v3   (GitHub Enterprise Server; default https://api.github.com)
 *     # timeout: 30s  outsideCollaborators: true  weakMfa: true  fullScanInterval: 24h
 * </pre>
 *
 * <p>Or as a GitHub App, instead of {@code token}: {@code appId: 123456}, {@code privateKey: "${file:app.pem}"} (PKCS#1
 * as GitHub hands it out, or PKCS#8) and optionally {@code installationId} (looked up by organisation when absent).
 *
 * <p>Validation only; no request is made until the first snapshot.
 */
public final class GitHubMonitorProvider implements MonitorProvider {
    static final String DEFAULT_ENDPOINT = "https://api.github.com";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_FULL_SCAN_INTERVAL = Duration.ofHours(24);
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");

    @Override
    public String type() {
        return "github";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        String organization = config.string("organization").trim();
        if (!ORGANIZATION.matcher(organization).matches()) {
            throw config.error("organization", "'" + organization + "' is not a GitHub organisation login; write the "
                    + "name as in https://github.com/NAME");
        }
        String endpoint = config.string("endpoint", DEFAULT_ENDPOINT).trim();
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        checkEndpoint(config, context, endpoint);
        Optional<Secret> token = config.optionalSecret("token");
        Optional<String> appId = config.optionalString("appId");
        Optional<Secret> privateKey = config.optionalSecret("privateKey");
        Optional<String> installationId = config.optionalString("installationId");
        boolean app = appId.isPresent() || privateKey.isPresent() || installationId.isPresent();
        GitHubSettings.Auth auth;
        if (token.isPresent() && app) {
            throw new ConfigException(config.describe() + ": set either token: (a personal access token of an owner of "
                    + organization + ") or the GitHub App keys appId:, privateKey: and optionally installationId:, not both");
        } else if (app) {
            auth = app(config, organization, appId, privateKey, installationId);
        } else if (token.isEmpty()) {
            throw config.error("token", "is required: a personal access token of an owner of " + organization
                    + ", written ${env:NAME} or ${file:PATH}; or authenticate as a GitHub App with appId:, privateKey: and "
                    + "optionally installationId:");
        } else if (token.get().reveal().isBlank()) {
            throw config.error("token", "is empty; check the variable or file it is read from");
        } else {
            auth = new GitHubSettings.Token(token.get());
        }
        Duration timeout = positive(config, "timeout", config.duration("timeout", DEFAULT_TIMEOUT));
        boolean outside = config.bool("outsideCollaborators", true);
        boolean weak = config.bool("weakMfa", true);
        Duration interval = positive(config, "fullScanInterval", config.duration("fullScanInterval", DEFAULT_FULL_SCAN_INTERVAL));
        GitHubSettings settings = new GitHubSettings(organization, endpoint, auth, timeout, outside, weak, interval);
        return new GitHubMonitor(settings, context);
    }

    private static GitHubSettings.App app(PluginConfig config, String organization, Optional<String> appId,
                                          Optional<Secret> privateKey, Optional<String> installationId) {
        if (appId.isEmpty()) {
            throw config.error("appId", "is required with privateKey: the GitHub App's id (App settings, 'App ID')");
        }
        long id = positiveNumber(config, "appId", appId.get());
        if (privateKey.isEmpty()) {
            throw config.error("privateKey", "is required with appId: the App's private key (.pem), written ${file:PATH} "
                    + "or ${env:NAME}");
        }
        OptionalLong installation = installationId.isPresent()
                ? OptionalLong.of(positiveNumber(config, "installationId", installationId.get())) : OptionalLong.empty();
        if (privateKey.get().reveal().isBlank()) {
            throw config.error("privateKey", "is empty; check the variable or file it is read from");
        }
        PrivateKey key;
        try {
            key = AppPrivateKey.parse(privateKey.get().reveal());
        } catch (AppPrivateKey.InvalidKey e) {
            throw config.error("privateKey", e.getMessage());
        }
        return new GitHubSettings.App(id, privateKey.get(), key, installation);
    }

    private static long positiveNumber(PluginConfig config, String key, String text) {
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw config.error(key, "'" + text.trim() + "' is not valid; expected a whole number greater than zero");
    }

    private static void checkEndpoint(PluginConfig config, PluginContext context, String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw config.error("endpoint", "'" + endpoint + "' is not a URL; write https://api.github.com or https://HOST/api/v3");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                || uri.getHost() == null || uri.getQuery() != null || uri.getUserInfo() != null) {
            throw config.error("endpoint", "'" + endpoint + "' is not an API root; write https://api.github.com or https://HOST/api/v3");
        }
        // https, or plain http to a loopback address only: the token must never cross a network in clear.
        context.http().requireSecureEndpoint("endpoint", uri);
    }

    private static Duration positive(PluginConfig config, String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw config.error(key, "must be longer than zero");
        }
        return value;
    }
}
