package dev.mfamonitor.monitor.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.monitor.entra.EntraException.Reason;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.support.Backoff;
import dev.mfamonitor.support.SafeText;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Graph and the token endpoint over {@code java.net.http}: one request at a time, no redirect followed, every wait
 * through the context's sleeper and within the scan's deadline, the access token fetched with the client-credentials
 * grant and reused until shortly before it expires.
 *
 * <p>Throttling: Graph's identity reports allow about 5 requests per 10 seconds per app and tenant and answer 429 with
 * {@code Retry-After}; Conditional Access about 1 per second per tenant, without {@code Retry-After}. A 429, 5xx or a
 * failed connection waits the server's {@code Retry-After}, or backs off exponentially when it sent none, as long as
 * the deadline allows.
 */
final class GraphClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RETRIES = 8;
    private static final int MAX_TEXT = 300;
    /** A token is renewed this long before Entra says it expires, so that none expires between check and use. */
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);

    /** What was asked, for messages and for the permission each needs. */
    enum Endpoint {
        TOKEN("the token endpoint", ""),
        REPORT("the registration report (reports/authenticationMethods/userRegistrationDetails)", "AuditLog.Read.All"),
        USERS("the user list (/users)", "User.Read.All"),
        SECURITY_DEFAULTS("the security defaults policy (policies/identitySecurityDefaultsEnforcementPolicy)", "Policy.Read.All"),
        CONDITIONAL_ACCESS("the Conditional Access policies (identity/conditionalAccess/policies)", "Policy.Read.All");

        final String words;
        final String permission;

        Endpoint(String words, String permission) {
            this.words = words;
            this.permission = permission;
        }
    }

    private final EntraSettings settings;
    private final PluginContext context;
    private final HttpClient http;
    private final Backoff backoff;
    /** The access tokens and assertions this client made: never in a message, whatever the server echoes. */
    private final Set<String> ownSecrets = new CopyOnWriteArraySet<>();
    private String token;
    private long tokenRenewAtNanos;
    private long requests;
    private long tokenRequests;

    GraphClient(EntraSettings settings, PluginContext context, Backoff backoff) {
        this.settings = settings;
        this.context = context;
        this.backoff = backoff;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
    }

    /** The app's client id, for messages. */
    String clientId() {
        return settings.clientId();
    }

    /** Graph requests sent so far (retries included), token requests not. */
    synchronized long requests() {
        return requests;
    }

    /** Token requests sent so far. */
    synchronized long tokenRequests() {
        return tokenRequests;
    }

    /** A Graph URI under {@code /v1.0}: {@code path} as given, {@code query} parameters encoded. */
    URI uri(String path, String... query) {
        StringJoiner q = new StringJoiner("&");
        for (int i = 0; i + 1 < query.length; i += 2) {
            q.add(query[i] + "=" + URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(settings.graphEndpoint() + "/v1.0/" + path + (q.length() == 0 ? "" : "?" + q));
    }

    /**
     * Reads every page of a collection, following {@code @odata.nextLink} until it is absent; each next link is checked
     * to be on the configured Graph origin before the token goes to it.
     *
     * @return how many pages were read
     * @throws EntraException when any page cannot be read: never a part of the collection as if it were all
     */
    int forEachPage(Endpoint endpoint, URI first, Deadline deadline, Consumer<JsonNode> row, Runnable afterPage)
            throws EntraException, InterruptedException {
        URI next = first;
        Set<String> seen = new HashSet<>();
        int pages = 0;
        while (next != null) {
            pages++;
            if (!seen.add(next.toString())) {
                throw new EntraException(Reason.OTHER, 200, "", "Graph returned the same next page twice for "
                        + endpoint.words + " in tenant " + settings.tenantId() + "; the listing was not read to its end");
            }
            JsonNode page = get(endpoint, next, deadline).orElseThrow(() -> new EntraException(Reason.NOT_FOUND, 404, "",
                    "Graph answered 404 for a page of " + endpoint.words + " in tenant " + settings.tenantId()));
            JsonNode value = page.get("value");
            if (value == null || !value.isArray()) {
                throw new EntraException(Reason.OTHER, 200, "", "Graph answered a page of " + endpoint.words
                        + " without a 'value' array in tenant " + settings.tenantId());
            }
            value.forEach(row);
            afterPage.run();
            JsonNode link = page.get("@odata.nextLink");
            if (link == null || link.isNull()) {
                next = null;
            } else {
                try {
                    next = URI.create(link.asText());
                } catch (IllegalArgumentException e) {
                    throw new EntraException(Reason.OTHER, 200, "", "Graph answered a next page link for "
                            + endpoint.words + " that is not a URI; the listing was not read to its end");
                }
                try {
                    context.http().requireSameOrigin(settings.graphEndpoint(), next);
                } catch (IllegalStateException e) {
                    throw new EntraException(Reason.OTHER, 200, "", clean("the next page of " + endpoint.words
                            + " is on another origin (" + next.getScheme() + "://" + next.getAuthority()
                            + ") than graphEndpoint " + settings.graphEndpoint() + "; the token is not sent there: "
                            + e.getMessage()));
                }
            }
        }
        return pages;
    }

    /**
     * One Graph GET with the access token.
     *
     * @return the JSON body of a 200; empty for a 404
     * @throws EntraException for anything else, with a message naming the endpoint and what to do
     */
    Optional<JsonNode> get(Endpoint endpoint, URI uri, Deadline deadline) throws EntraException, InterruptedException {
        boolean renewed = false;
        while (true) {
            String bearer = token(deadline);
            HttpResponse<String> response = send(endpoint, () -> HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + bearer)
                    .header("Accept", "application/json")
                    .GET(), deadline);
            int status = response.statusCode();
            if (status == 200) {
                return Optional.of(parse(endpoint, response.body()));
            }
            if (status == 404) {
                return Optional.empty();
            }
            GraphError error = GraphError.of(response.body());
            if (status == 401 && !renewed) {
                // An access token can be revoked or expire early (a tenant's policy change): fetch a new one, once.
                synchronized (this) {
                    token = null;
                }
                renewed = true;
                continue;
            }
            throw graphFailure(endpoint, status, error, response);
        }
    }

    private EntraException graphFailure(Endpoint endpoint, int status, GraphError error, HttpResponse<String> response) {
        String tenant = "tenant " + settings.tenantId();
        String answered = "Graph answered " + status + (error.code.isEmpty() ? "" : " " + clean(error.code));
        if (error.code.equals("Authentication_RequestFromNonPremiumTenantOrB2CTenant")
                || error.message.toLowerCase(java.util.Locale.ROOT).contains("premium license")) {
            return new EntraException(Reason.NO_PREMIUM_LICENCE, status, error.code, answered + " for " + endpoint.words
                    + " in " + tenant + ": the tenant has no Entra ID P1 or P2 licence, and the authentication methods "
                    + "registration report needs Entra ID P1 or P2 (Microsoft Entra ID P1/P2, or a suite that includes it "
                    + "such as Microsoft 365 E3/E5 or Business Premium)");
        }
        if (status == 403 && endpoint != Endpoint.TOKEN) {
            // Each endpoint says it differently (Authentication_MSGraphPermissionMissing, Authorization_RequestDenied
            // without naming the permission, AccessDenied): the permission comes from the endpoint, not the answer.
            return new EntraException(Reason.PERMISSION_MISSING, status, error.code, answered + " for " + endpoint.words
                    + " in " + tenant + ": grant the app " + settings.clientId() + " the Microsoft Graph application "
                    + "permission " + endpoint.permission + " and an administrator's consent (Entra admin center > App "
                    + "registrations > API permissions > Add a permission > Microsoft Graph > Application permissions, "
                    + "then Grant admin consent)" + detail(error));
        }
        if (status == 401) {
            return new EntraException(Reason.AUTHENTICATION, status, error.code, answered + " for " + endpoint.words
                    + " in " + tenant + " twice with fresh access tokens: check that the app " + settings.clientId()
                    + " belongs to this tenant and that graphEndpoint " + settings.graphEndpoint()
                    + " is the Graph of the cloud loginEndpoint signs in to" + detail(error));
        }
        if (status >= 300 && status < 400) {
            return new EntraException(Reason.OTHER, status, "", "Graph answered " + status + " (a redirect to "
                    + clean(response.headers().firstValue("Location").orElse("nowhere")) + ") for " + endpoint.words
                    + "; redirects are not followed: set graphEndpoint to the Graph service itself");
        }
        return new EntraException(Reason.OTHER, status, error.code, answered + " for " + endpoint.words + " in "
                + tenant + detail(error));
    }

    private String detail(GraphError error) {
        return error.message.isEmpty() ? "" : " ('" + clean(error.message) + "')";
    }

    private JsonNode parse(Endpoint endpoint, String body) throws EntraException {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new EntraException(Reason.OTHER, 200, "", "Graph answered " + endpoint.words + " in tenant "
                    + settings.tenantId() + " with a body that is not JSON");
        }
    }

    /** The access token, fetched when there is none or it is about to expire. */
    private synchronized String token(Deadline deadline) throws EntraException, InterruptedException {
        if (token != null && context.nanoTime().getAsLong() - tokenRenewAtNanos < 0) {
            return token;
        }
        token = null;
        Instant now = context.clock().instant();
        if (settings.credential() instanceof ClientCredential.ClientCertificate certificate
                && !now.isBefore(certificate.notAfter())) {
            throw new EntraException(Reason.AUTHENTICATION, 0, "", "the certificate (subject " + certificate.subject()
                    + ", thumbprint x5t " + certificate.thumbprint() + ") expired on " + certificate.notAfter()
                    + ": create a new one, upload its public part to the app " + settings.clientId()
                    + " (Certificates & secrets) and set certificate to the new PEM");
        }
        StringJoiner form = new StringJoiner("&");
        form.add("grant_type=client_credentials");
        form.add("client_id=" + encode(settings.clientId()));
        form.add("scope=" + encode(settings.scope()));
        for (String[] field : settings.credential().formFields(settings.clientId(), settings.tokenUri(), now)) {
            if (field[0].equals("client_assertion")) {
                // A signed assertion is a credential for its lifetime: never in a message either.
                ownSecrets.add(field[1]);
            }
            form.add(field[0] + "=" + encode(field[1]));
        }
        String body = form.toString();
        long started = context.nanoTime().getAsLong();
        HttpResponse<String> response = send(Endpoint.TOKEN, () -> HttpRequest.newBuilder(settings.tokenUri())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), deadline);
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.statusCode() != 200) {
            throw TokenErrors.failure(settings, response.statusCode(), answer, this::clean);
        }
        String accessToken = answer.path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new EntraException(Reason.AUTHENTICATION, 200, "", "the token endpoint " + settings.tokenUri()
                    + " answered 200 without an access_token");
        }
        ownSecrets.add(accessToken);
        long expiresIn = answer.path("expires_in").asLong(0);
        Duration lifetime = Duration.ofSeconds(Math.max(0, expiresIn));
        Duration margin = lifetime.compareTo(TOKEN_MARGIN.multipliedBy(2)) > 0 ? TOKEN_MARGIN : lifetime.dividedBy(2);
        tokenRenewAtNanos = started + lifetime.minus(margin).toNanos();
        token = accessToken;
        return token;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * Sends one request, retrying 429, 5xx and failed connections with {@code Retry-After} or exponential backoff while
     * the deadline allows.
     */
    private HttpResponse<String> send(Endpoint endpoint, java.util.function.Supplier<HttpRequest.Builder> request,
                                      Deadline deadline) throws EntraException, InterruptedException {
        String where = endpoint == Endpoint.TOKEN ? "the token endpoint " + settings.tokenUri()
                : "Graph (" + endpoint.words + ", tenant " + settings.tenantId() + ")";
        for (int retry = 1; ; retry++) {
            Duration left = deadline.remaining();
            if (left.isZero()) {
                throw new EntraException(Reason.UNAVAILABLE, 0, "", "the scan's deadline passed before " + where
                        + " could be asked");
            }
            Duration timeout = left.compareTo(settings.timeout()) < 0 ? left : settings.timeout();
            HttpRequest built = request.get().timeout(timeout).build();
            Optional<Duration> retryAfter = Optional.empty();
            String problem;
            synchronized (this) {
                if (endpoint == Endpoint.TOKEN) {
                    tokenRequests++;
                } else {
                    requests++;
                }
            }
            try {
                HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status != 429 && status < 500) {
                    return response;
                }
                retryAfter = Backoff.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null),
                        context.clock().instant());
                problem = status + (status == 429 ? " (throttled)" : "");
            } catch (IOException e) {
                problem = clean(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            if (retry > MAX_RETRIES) {
                throw new EntraException(Reason.UNAVAILABLE, 0, "", where + " answered " + problem + " "
                        + retry + " times in a row; try again later");
            }
            Optional<Duration> wait = backoff.next(retry, retryAfter);
            if (wait.isEmpty()) {
                throw new EntraException(Reason.UNAVAILABLE, 0, "", where + " answered " + problem
                        + " and asked to wait " + retryAfter.map(Duration::toSeconds).orElse(0L)
                        + " s, longer than this scan waits; the next run tries again");
            }
            if (!Backoff.sleepWithin(wait.get(), deadline, context.sleeper())) {
                throw new EntraException(Reason.UNAVAILABLE, 0, "", where + " answered " + problem
                        + "; waiting " + wait.get().toMillis() + " ms more would pass the scan's deadline "
                        + "(raise the monitor timeout for a large tenant)");
            }
        }
    }

    /**
     * Text from a server made fit for a message: this client's own tokens and assertions removed, then every
     * configured secret (the engine's redactor), then invisible characters, and only then cut short.
     */
    String clean(String text) {
        if (text == null) {
            return "";
        }
        String out = text;
        for (String secret : ownSecrets) {
            out = out.replace(secret, "****");
            out = out.replace(encode(secret), "****");
        }
        if (settings.credential() instanceof ClientCredential.ClientSecret secret) {
            out = secret.secret().redact(out);
        }
        out = context.redactor().redact(out);
        out = SafeText.clean(out);
        return out.length() <= MAX_TEXT ? out : out.substring(0, MAX_TEXT) + "...";
    }

    @Override
    public void close() {
        synchronized (this) {
            token = null;
        }
        // java.net.http.HttpClient has no close() before Java 21; its threads end once it is unreachable.
    }

    /** A Graph error body: {@code {"error": {"code": ..., "message": ...}}}. */
    record GraphError(String code, String message) {
        static GraphError of(String body) {
            try {
                JsonNode error = JSON.readTree(body == null ? "" : body).path("error");
                if (error.isObject()) {
                    return new GraphError(error.path("code").asText(""), error.path("message").asText(""));
                }
                if (error.isTextual()) {
                    return new GraphError(error.asText(""), "");
                }
            } catch (IOException | RuntimeException e) {
                // not JSON: no code
            }
            return new GraphError("", "");
        }
    }
}
