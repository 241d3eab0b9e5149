package dev.mfamonitor.monitor.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * Exchanges a GitHub App's JWT for an installation token, once per run, through the scan's {@link GitHubApi}: the
 * same timeout, redirect, origin and rate-limit rules as every other request.
 *
 * <p>Requests: {@code POST /app/installations/{id}/access_tokens}, plus {@code GET /orgs/{org}/installation} when
 * {@code installationId} is not configured. The JWT is RS256, {@code iat} a minute back (GitHub's allowance for clock
 * drift), {@code exp} nine minutes ahead (GitHub refuses more than ten), {@code iss} the App id. Both the JWT and the
 * installation token are registered with the monitor's {@link Redaction} as soon as they exist.
 */
final class AppInstallationTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubSettings.App app;
    private final String organization;
    private final GitHubApi api;
    private final Redaction redaction;

    AppInstallationTokens(GitHubSettings.App app, String organization, GitHubApi api, Redaction redaction) {
        this.app = app;
        this.organization = organization;
        this.api = api;
        this.redaction = redaction;
    }

    /** The App could not get an installation token; the message is for people and holds no secret. */
    static final class AppAuthenticationFailed extends GitHubApi.Failure {
        private static final long serialVersionUID = 1L;

        AppAuthenticationFailed(String message) {
            super(message);
        }
    }

    /** A fresh installation token for the organisation. */
    String installationToken(Instant now) throws GitHubApi.Failure, InterruptedException {
        String jwt = jwt(app, now);
        redaction.add(jwt);
        // The signature alone is long and unique: a server that echoes part of the JWT loses it too.
        redaction.add(jwt.substring(jwt.lastIndexOf('.') + 1));
        api.authorize("Bearer " + jwt);
        long installation;
        if (app.installationId().isPresent()) {
            installation = app.installationId().getAsLong();
        } else {
            String path = "/orgs/" + organization + "/installation";
            JsonNode body;
            try {
                body = api.get(path, "the installation of GitHub App " + app.appId());
            } catch (GitHubApi.ErrorAnswer e) {
                if (e.status() == 404) {
                    throw new AppAuthenticationFailed("GitHub App " + app.appId() + " is not installed on org " + organization
                            + " (GET " + path + " answered 404 '" + e.said() + "'): install the App on " + organization
                            + ", or check appId and organization");
                }
                throw refused(e);
            }
            JsonNode id = body.path("id");
            if (!id.canConvertToLong()) {
                throw new AppAuthenticationFailed("GitHub's answer to GET " + path + " for GitHub App " + app.appId()
                        + " has no installation id");
            }
            installation = id.asLong();
        }
        String path = "/app/installations/" + installation + "/access_tokens";
        GitHubApi.Answer answer;
        try {
            answer = api.send("POST", api.api(path), "an installation token of GitHub App " + app.appId());
        } catch (GitHubApi.ErrorAnswer e) {
            if (e.status() == 404) {
                throw new AppAuthenticationFailed("GitHub App " + app.appId() + " has no installation " + installation
                        + " (POST " + path + " answered 404 '" + e.said() + "'): check installationId (the number at the end "
                        + "of the installation's settings URL, https://github.com/organizations/" + organization
                        + "/settings/installations/ID), or leave it out to look it up by organization");
            }
            throw refused(e);
        }
        JsonNode token = answer.json("an installation token of GitHub App " + app.appId(), organization).path("token");
        if (answer.status() != 201 || !token.isTextual() || token.asText().isBlank()) {
            throw new AppAuthenticationFailed("GitHub's answer (HTTP " + answer.status() + ") to POST " + path
                    + " for GitHub App " + app.appId() + " has no token");
        }
        redaction.add(token.asText());
        return token.asText();
    }

    private AppAuthenticationFailed refused(GitHubApi.ErrorAnswer e) {
        String head = "GitHub answered " + e.status() + " '" + e.said() + "' to " + e.request() + " for GitHub App "
                + app.appId() + " (org " + organization + ")";
        if (e.status() == 401) {
            return new AppAuthenticationFailed(head + ": GitHub did not accept the App's JSON Web Token. Check that appId is "
                    + "the App's id (App settings, 'App ID'), that privateKey is a current private key of that App (not "
                    + "revoked or replaced), and that this machine's clock is right");
        }
        if (e.status() == 403) {
            return new AppAuthenticationFailed(head + ": the App may be suspended on " + organization + ", or GitHub "
                    + "refused for another reason; check the App's installation on " + organization);
        }
        return new AppAuthenticationFailed(head + ": no installation token, so the snapshot is not taken; the next run tries "
                + "again");
    }

    /** The App's JSON Web Token (RS256). */
    static String jwt(GitHubSettings.App app, Instant now) throws AppAuthenticationFailed {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        ObjectNode claims = JSON.createObjectNode()
                .put("iat", now.getEpochSecond() - 60)
                .put("exp", now.getEpochSecond() + 540)
                .put("iss", Long.toString(app.appId()));
        String signed = base64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(app.privateKey());
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + base64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            // Never the key or the exception's text (a provider may describe the key).
            throw new AppAuthenticationFailed("GitHub App " + app.appId() + ": the private key cannot sign a JSON Web Token ("
                    + e.getClass().getSimpleName() + "); check privateKey");
        }
    }
}
