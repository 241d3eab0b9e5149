package com.example.mfa.gitlab;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code type: gitlab}: the 2FA status of every user of a self-managed GitLab instance, or of every member of one group.
 *
 * <pre>
 * monitors:
 *   - id: gitlab-corp
 *     type: gitlab
 *     url: https://gitlab.example.com        # the instance's base URL (https; http only for loopback)
 *     token: "${env:GITLAB_TOKEN}"           # read_api scope; an administrator's token for all users
 *     # group: platform/backend              # watch this group's members (id or full path) instead of all users
 *     # timeout: 30s                         # the longest one request may take
 * </pre>
 *
 * <p>Validation only: no request is made until the first snapshot.
 */
public final class GitLabMonitorProvider implements MonitorProvider {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String type() {
        return "gitlab";
    }

    @Override
    public int spiVersion() {
        // A compile-time constant: records the SPI this class was compiled against.
        return SpiVersion.CURRENT;
    }

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        URI url = baseUrl(config, context, config.string("url").trim());
        Secret token = config.secret("token");
        if (token.reveal().isBlank()) {
            throw config.error("token", "is empty; check the variable or file it is read from");
        }
        Optional<String> group = config.optionalString("group").map(String::trim);
        if (group.isPresent() && (group.get().isEmpty() || group.get().startsWith("/") || group.get().endsWith("/"))) {
            throw config.error("group", "'" + group.get() + "' is not a group; write its numeric id or its full path, "
                    + "such as platform/backend");
        }
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw config.error("timeout", "must be longer than zero");
        }
        return new GitLabMonitor(new GitLabSettings(url, group, token, timeout), context);
    }

    /** The instance's base URL without trailing slash; https, or http for a loopback address (tests, a local proxy). */
    private static URI baseUrl(PluginConfig config, PluginContext context, String text) {
        String trimmed = text;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw config.error("url", "'" + text + "' is not a URL; write the instance's base URL, such as https://gitlab.example.com");
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null
                || uri.getFragment() != null) {
            throw config.error("url", "'" + text + "' is not a base URL; write it like https://gitlab.example.com");
        }
        if (uri.getPath().endsWith("/api/v4")) {
            throw config.error("url", "'" + text + "' names the API; write the instance's base URL without /api/v4");
        }
        // https, or plain http to a loopback address (tests, a local proxy): the token never crosses a network in clear.
        return context.http().requireSecureEndpoint("url", uri);
    }
}
