package dev.mfamonitor.monitor.google;

import dev.mfamonitor.support.RuntimeSecrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.PluginContext;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Access tokens from the OAuth 2.0 JWT-bearer grant (RFC 7523) of a service account with domain-wide delegation: an
 * RS256 JWT with {@code iss} = the service account, {@code sub} = the admin it acts as, the one read-only scope, and
 * {@code aud} = Google's token endpoint, posted to the key's {@code token_uri}.
 *
 * <p>Signed with the JDK: google-auth-library-oauth2-http's {@code ServiceAccountCredentials.createDelegated} does
 * the same in a few more lines of ours and 6.4 MB (21 jars) of its dependencies. A token is kept until a minute before it
 * expires, so a daemon asks for one about once an hour. The assertion and every token are given to the
 * {@link RuntimeSecrets} before they are sent, so that no echo of them survives into a message.
 */
final class AccessTokens {
    static final String SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly";
    /** Google's libraries always set this audience, whatever the key's token_uri. */
    static final String AUDIENCE = "https://oauth2.googleapis.com/token";
    static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(1);
    private static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final ServiceAccountKey key;
    private final String adminEmail;
    private final PluginContext context;
    private final RuntimeSecrets scrubber;
    private final ObjectMapper json;
    private final GoogleHttp http;

    private String token;
    private long validUntilNanos;

    AccessTokens(ServiceAccountKey key, String adminEmail, PluginContext context, RuntimeSecrets scrubber, ObjectMapper json,
                 GoogleHttp http) {
        this.key = key;
        this.adminEmail = adminEmail;
        this.context = context;
        this.scrubber = scrubber;
        this.json = json;
        this.http = http;
    }

    /** A token that is still valid, asking for a new one if needed. */
    synchronized String current(Deadline deadline) throws Exception {
        if (token != null && context.nanoTime().getAsLong() - validUntilNanos < 0) {
            return token;
        }
        token = null;
        String assertion = assertion(context.clock().instant());
        scrubber.add(assertion);
        scrubber.add(assertion.substring(assertion.lastIndexOf('.') + 1));
        String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
                + "&assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
        long askedAt = context.nanoTime().getAsLong();
        GoogleHttp.Answer answer = http.send(() -> HttpRequest.newBuilder(key.tokenUri())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)), "the token endpoint", deadline, this::tokenError);
        JsonNode body = answer.json();
        JsonNode accessToken = body.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isBlank()) {
            throw new GoogleWorkspaceException("the token endpoint " + origin() + " answered " + answer.status()
                    + " without an access_token; is token_uri of the key Google's token endpoint?");
        }
        String issued = accessToken.asText();
        scrubber.add(issued);
        long seconds = body.path("expires_in").asLong(3600);
        Duration lifetime = Duration.ofSeconds(Math.max(0, Math.min(seconds, LIFETIME.toSeconds())));
        validUntilNanos = askedAt + lifetime.minus(RENEW_BEFORE_EXPIRY).toNanos();
        token = issued;
        return issued;
    }

    /** Forgets the current token (the API refused it), so that the next call asks for a new one. */
    synchronized void invalidate() {
        token = null;
    }

    /** The signed JWT: header.claims.signature, each base64url without padding. */
    String assertion(Instant now) throws GeneralSecurityException {
        ObjectNode header = json.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (!key.privateKeyId().isEmpty()) {
            header.put("kid", key.privateKeyId());
        }
        long iat = now.getEpochSecond();
        ObjectNode claims = json.createObjectNode()
                .put("iss", key.clientEmail())
                .put("sub", adminEmail)
                .put("scope", SCOPE)
                .put("aud", AUDIENCE)
                .put("iat", iat)
                .put("exp", iat + LIFETIME.toSeconds());
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key.privateKey());
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rs256.sign());
    }

    /** The message for a token endpoint's refusal, or empty for one worth retrying (429, 5xx). */
    private Optional<String> tokenError(int status, String body) {
        if (status == 429 || status >= 500) {
            return Optional.empty();
        }
        String error = "";
        String description = "";
        try {
            JsonNode node = json.readTree(body);
            error = node.path("error").asText("");
            description = node.path("error_description").asText("");
        } catch (Exception notJson) {
            // Quoted below as it came.
        }
        String who = "service account " + key.clientEmail() + " acting as " + adminEmail;
        if (error.equals("unauthorized_client")) {
            return Optional.of("Google refused a token for " + who + " (" + status + " unauthorized_client): domain-wide "
                    + "delegation is not granted. In the Admin console (Security > Access and data control > API controls "
                    + "> Manage Domain Wide Delegation) add client ID " + key.describeClientId() + " with the scope "
                    + SCOPE + " (a new grant can take a few minutes to work)");
        }
        String said = error.isEmpty() ? "'" + scrubber.quote(body) + "'"
                : error + (description.isEmpty() ? "" : " '" + scrubber.quote(description) + "'");
        if (error.equals("invalid_grant") && description.toLowerCase().contains("signature")) {
            return Optional.of("Google refused a token for " + who + " (" + status + " " + said + "): the key was "
                    + "deleted or disabled, or belongs to another service account; create a new JSON key");
        }
        if (error.equals("invalid_grant") && description.toLowerCase().contains("email")) {
            return Optional.of("Google refused a token for " + who + " (" + status + " " + said + "): adminEmail must be "
                    + "an existing, active user of the Workspace (an administrator)");
        }
        if (error.equals("invalid_grant") && description.toLowerCase().contains("timeframe")) {
            return Optional.of("Google refused a token for " + who + " (" + status + " " + said + "): the JWT's iat/exp "
                    + "were refused; check that this machine's clock is right");
        }
        return Optional.of("Google refused a token for " + who + " at " + origin() + " (" + status + " " + said + ")");
    }

    private String origin() {
        return key.tokenUri().getScheme() + "://" + key.tokenUri().getAuthority();
    }
}
