package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One {@code type: github} monitor's configuration, validated by {@link GitHubMonitorProvider}.
 *
 * @param organization         the organisation's login
 * @param endpoint             the API root without trailing slash: {@code https://api.github.com}, or
 *                             {@code https://HOST/api/v3} for GitHub Enterprise Server
 * @param auth                 how the monitor authenticates: an owner's token, or as a GitHub App
 * @param timeout              the longest one request may take
 * @param outsideCollaborators whether outside collaborators are watched too
 * @param weakMfa              whether members with an insecure second factor (SMS) are flagged
 * @param fullScanInterval     how long a full member listing stays good before steady-state runs read it again
 */
record GitHubSettings(String organization, String endpoint, Auth auth, Duration timeout, boolean outsideCollaborators,
                      boolean weakMfa, Duration fullScanInterval) {
    GitHubSettings {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(fullScanInterval, "fullScanInterval");
    }

    /** What the snapshot covers, kept as a fact so that a changed configuration forces a full scan. */
    String coverage() {
        return "members" + (outsideCollaborators ? ",outside-collaborators" : "") + (weakMfa ? ",weak-mfa" : "");
    }

    /** The endpoint as a URI. */
    URI endpointUri() {
        return URI.create(endpoint);
    }

    /** The configured secrets' values (the token, or the App's key text), for the monitor's own redaction. */
    List<String> secretValues() {
        return auth instanceof Token t ? List.of(t.token().reveal()) : List.of(((App) auth).pem().reveal());
    }

    /** How the monitor authenticates. */
    sealed interface Auth permits Token, App {
    }

    /** A personal access token of an owner of the organisation. */
    record Token(Secret token) implements Auth {
        Token {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * A GitHub App installed on the organisation: each run signs a JWT with {@code privateKey} and exchanges it for an
     * installation token.
     *
     * @param appId          the App's id
     * @param pem            the key's PEM text as configured, kept only to redact it from messages
     * @param privateKey     the parsed key
     * @param installationId the installation on the organisation; empty: looked up with {@code GET /orgs/{org}/installation}
     */
    record App(long appId, Secret pem, PrivateKey privateKey, OptionalLong installationId) implements Auth {
        App {
            Objects.requireNonNull(pem, "pem");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(installationId, "installationId");
        }

        /** Never the key: some JDKs' RSA key toString() prints the private exponent. */
        @Override
        public String toString() {
            return "App[appId=" + appId + ", privateKey=****, installationId="
                    + (installationId.isPresent() ? Long.toString(installationId.getAsLong()) : "(looked up)") + "]";
        }
    }
}
