package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * <p>Validation only; no request is made until the first snapshot.
 */
public final class GitHubMonitorProvider implements MonitorProvider {
    static final String DEFAULT_ENDPOINT = "https://api.github.com";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_FULL_SCAN_INTERVAL = Duration.ofHours(24);
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
    private static final List<String> APP_KEYS = List.of("appId", "privateKey", "installationId");

    @Override
    public String type() {
        return "github";
    }

    @Override
    public Monitor create(PluginConfig config) {
        String organization = config.string("organization").trim();
        if (!ORGANIZATION.matcher(organization).matches()) {
            throw config.error("organization", "'" + organization + "' is not a GitHub organisation login; write the "
                    + "name as in https://github.com/NAME");
        }
        String endpoint = config.string("endpoint", DEFAULT_ENDPOINT).trim();
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        checkEndpoint(config, endpoint);
        Optional<Secret> token = config.optionalSecret("token");
        // Read the GitHub App keys so that they are "known", then refuse them plainly rather than ignore them.
        boolean app = false;
        for (String key : APP_KEYS) {
            app |= key.equals("privateKey") ? config.optionalSecret(key).isPresent() : config.optionalString(key).isPresent();
        }
        if (app) {
            throw new ConfigException(config.describe() + ": GitHub App authentication (appId, privateKey, installationId) "
                    + "is not supported yet; remove those keys and set token: to a personal access token of an owner of "
                    + organization + ", written ${env:NAME} or ${file:PATH}");
        }
        if (token.isEmpty()) {
            throw config.error("token", "is required: a personal access token of an owner of " + organization
                    + ", written ${env:NAME} or ${file:PATH}");
        }
        if (token.get().reveal().isBlank()) {
            throw config.error("token", "is empty; check the variable or file it is read from");
        }
        Duration timeout = positive(config, "timeout", config.duration("timeout", DEFAULT_TIMEOUT));
        boolean outside = config.bool("outsideCollaborators", true);
        boolean weak = config.bool("weakMfa", true);
        Duration interval = positive(config, "fullScanInterval", config.duration("fullScanInterval", DEFAULT_FULL_SCAN_INTERVAL));
        GitHubSettings settings = new GitHubSettings(organization, endpoint, token.get(), timeout, outside, weak, interval);
        return new GitHubMonitor(config.id(), settings, Clock.systemUTC());
    }

    private static void checkEndpoint(PluginConfig config, String endpoint) {
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
    }

    private static Duration positive(PluginConfig config, String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw config.error(key, "must be longer than zero");
        }
        return value;
    }
}
