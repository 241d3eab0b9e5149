package dev.mfamonitor.monitor.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.kohsuke.github.extras.authorization.JWTTokenProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exchanges a GitHub App's JWT for an installation token, once per run, through our {@link CapturingConnector}
 * (timeout, no redirects).
 *
 * <p>Why not github-api's {@code OrgAppInstallationAuthorizationProvider}: in 1.330 it first reads {@code GET /app} and
 * then the installation ({@code GET /orgs/{org}/installation} or {@code GET /app/installations/{id}}) before {@code POST
 * /app/installations/{id}/access_tokens}: three requests a run. Here it is the POST alone when {@code installationId} is
 * configured, plus {@code GET /orgs/{org}/installation} when it is not. The JWT is still signed by github-api's
 * {@link JWTTokenProvider} (RS256, {@code iat} two minutes back, {@code exp} eight minutes ahead).
 */
final class AppInstallationTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubSettings.App app;
    private final String endpoint;
    private final String organization;
    private final CapturingConnector connector;

    AppInstallationTokens(GitHubSettings.App app, String endpoint, String organization, CapturingConnector connector) {
        this.app = app;
        this.endpoint = endpoint;
        this.organization = organization;
        this.connector = connector;
    }

    /** The App could not get an installation token; the message is for people and holds no secret. */
    static final class AppAuthenticationFailed extends IOException {
        private static final long serialVersionUID = 1L;

        AppAuthenticationFailed(String message) {
            super(message);
        }
    }

    /** A fresh installation token for the organisation. */
    String installationToken() throws IOException {
        String jwt = new JWTTokenProvider(Long.toString(app.appId()), app.privateKey()).getEncodedAuthorization();
        long installation;
        if (app.installationId().isPresent()) {
            installation = app.installationId().getAsLong();
        } else {
            String path = "/orgs/" + organization + "/installation";
            Answer answer = send("GET", path, jwt);
            if (answer.status() == 404) {
                throw new AppAuthenticationFailed("GitHub App " + app.appId() + " is not installed on org " + organization
                        + " (GET " + path + " answered 404 '" + answer.message() + "'): install the App on " + organization
                        + ", or check appId and organization");
            }
            expect(answer, 200, "GET " + path);
            JsonNode id = answer.json().path("id");
            if (!id.canConvertToLong()) {
                throw new AppAuthenticationFailed("GitHub's answer to GET " + path + " for GitHub App " + app.appId()
                        + " has no installation id");
            }
            installation = id.asLong();
        }
        String path = "/app/installations/" + installation + "/access_tokens";
        Answer answer = send("POST", path, jwt);
        if (answer.status() == 404) {
            throw new AppAuthenticationFailed("GitHub App " + app.appId() + " has no installation " + installation
                    + " (POST " + path + " answered 404 '" + answer.message() + "'): check installationId (the number at the end "
                    + "of the installation's settings URL, https://github.com/organizations/" + organization
                    + "/settings/installations/ID), or leave it out to look it up by organization");
        }
        expect(answer, 201, "POST " + path);
        JsonNode token = answer.json().path("token");
        if (!token.isTextual() || token.asText().isBlank()) {
            throw new AppAuthenticationFailed("GitHub's answer to POST " + path + " for GitHub App " + app.appId()
                    + " has no token");
        }
        return token.asText();
    }

    private void expect(Answer answer, int status, String request) throws AppAuthenticationFailed {
        if (answer.status() == status) {
            return;
        }
        String head = "GitHub answered " + answer.status() + " '" + answer.message() + "' to " + request + " for GitHub App "
                + app.appId() + " (org " + organization + ")";
        if (answer.status() == 401) {
            throw new AppAuthenticationFailed(head + ": GitHub did not accept the App's JSON Web Token. Check that appId is "
                    + "the App's id (App settings, 'App ID'), that privateKey is a current private key of that App (not "
                    + "revoked or replaced), and that this machine's clock is right");
        }
        if (answer.status() == 403) {
            throw new AppAuthenticationFailed(head + ": the App may be suspended on " + organization + ", or GitHub "
                    + "refused for another reason; check the App's installation on " + organization);
        }
        throw new AppAuthenticationFailed(head + ": no installation token, so the snapshot is not taken; the next run tries "
                + "again");
    }

    private record Answer(int status, byte[] body) {
        JsonNode json() throws IOException {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AppAuthenticationFailed("GitHub's answer (HTTP " + status + ") is not JSON");
            }
        }

        String message() {
            try {
                JsonNode node = JSON.readTree(body);
                if (node != null && node.path("message").isTextual()) {
                    return node.path("message").asText();
                }
            } catch (IOException notJson) {
                // fall through
            }
            return "";
        }
    }

    private Answer send(String method, String path, String authorization) throws IOException {
        URL url;
        try {
            url = new URL(endpoint + path);
        } catch (MalformedURLException e) {
            throw new IOException("bad request URL for " + path, e);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Authorization", List.of(authorization));
        headers.put("Accept", List.of("application/vnd.github+json"));
        headers.put("X-GitHub-Api-Version", List.of("2022-11-28"));
        Request request = new Request(method, url, headers);
        try (GitHubConnectorResponse response = connector.send(request)) {
            byte[] body;
            try (InputStream in = response.bodyStream()) {
                body = in == null ? new byte[0] : in.readAllBytes();
            }
            return new Answer(response.statusCode(), body);
        }
    }

    private record Request(String method, URL url, Map<String, List<String>> allHeaders) implements GitHubConnectorRequest {
        @Override
        public String header(String name) {
            List<String> values = allHeaders.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String contentType() {
            return null;
        }

        @Override
        public InputStream body() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public boolean hasBody() {
            return false;
        }

        /** Never the Authorization header: it carries the JWT. */
        @Override
        public String toString() {
            return method + " " + url;
        }
    }
}
