package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Secret;

import java.time.Duration;
import java.util.Objects;

/**
 * One {@code type: github} monitor's configuration, validated by {@link GitHubMonitorProvider}.
 *
 * @param organization         the organisation's login
 * @param endpoint             the API root without trailing slash: {@code https://api.github.com}, or
 *                             {@code https://HOST/api/v3} for GitHub Enterprise Server
 * @param token                a token of an owner of the organisation
 * @param timeout              the longest one request may take
 * @param outsideCollaborators whether outside collaborators are watched too
 * @param weakMfa              whether members with an insecure second factor (SMS) are flagged
 * @param fullScanInterval     how long a full member listing stays good before steady-state runs read it again
 */
record GitHubSettings(String organization, String endpoint, Secret token, Duration timeout, boolean outsideCollaborators,
                      boolean weakMfa, Duration fullScanInterval) {
    GitHubSettings {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(fullScanInterval, "fullScanInterval");
    }

    /** What the snapshot covers, kept as a fact so that a changed configuration forces a full scan. */
    String coverage() {
        return "members" + (outsideCollaborators ? ",outside-collaborators" : "") + (weakMfa ? ",weak-mfa" : "");
    }
}
