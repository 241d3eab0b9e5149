package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.support.RuntimeSecrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.monitor.okta.OktaException.Reason;
import dev.mfamonitor.monitor.okta.OktaSettings.Credential;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.support.Backoff;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Okta API over {@code java.net.http}: one request at a time (the limits are the org's, shared with everything
 * else), no redirect followed, every wait through the context's sleeper and only when it ends before the scan's
 * deadline, each rate-limit bucket paced so that its reserve stays free, and, for a service app, an access token from
 * the {@code private_key_jwt} client-credentials grant reused until shortly before it expires.
 */
final class OktaHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 8;
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(5);
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern REL = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";,]+)\"?");
    static final String USERS_READ = "okta.users.read";
    static final String LOGS_READ = "okta.logs.read";
    static final String ROLES_READ = "okta.roles.read";

    /** The rate-limit buckets the monitor uses, each paced on its own headers. */
    enum Bucket { USERS, USER, LOGS, ROLES, TOKEN }

    /** What was asked, for messages, for the scope each needs and for its bucket. */
    enum Endpoint {
        USERS("the user list (/api/v1/users)", USERS_READ, Bucket.USERS),
        USER("a user (/api/v1/users/{id})", USERS_READ, Bucket.USER),
        FACTORS("a user's factors (/api/v1/users/{id}/factors)", USERS_READ, Bucket.USER),
        LOGS("the System Log (/api/v1/logs)", LOGS_READ, Bucket.LOGS),
        ROLES("the role assignments (/api/v1/iam/assignees/users)", ROLES_READ, Bucket.ROLES),
        TOKEN("the token endpoint (/oauth2/v1/token)", "", Bucket.TOKEN);

        final String words;
        final String scope;
        final Bucket bucket;

        Endpoint(String words, String scope, Bucket bucket) {
            this.words = words;
            this.scope = scope;
            this.bucket = bucket;
        }
    }

    /**
     * An answer: its status, its JSON body, its {@code next} link (from the {@code Link} headers) and, for an error,
     * Okta's {@code errorCode} and {@code errorSummary}.
     */
    record Answer(int status, JsonNode json, Optional<URI> next, String errorCode, String errorSummary) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final OktaSettings settings;
    private final PluginContext context;
    private final RuntimeSecrets scrubber;
    private final RateLimits limits;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();
    private String accessToken;
    private long renewAtNanos;
    private boolean rolesScopeRefused;
    private long requests;
    private long tokenRequests;

    OktaHttp(OktaSettings settings, PluginContext context, RuntimeSecrets scrubber) {
        this.settings = settings;
        this.context = context;
        this.scrubber = scrubber;
        this.limits = new RateLimits(settings.reservePercent());
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(settings.timeout()).build();
    }

    synchronized long requests() {
        return requests;
    }

    synchronized long tokenRequests() {
        return tokenRequests;
    }

    /** Whether the service app's token could not be had with {@code okta.roles.read} (so admins cannot be read). */
    synchronized boolean rolesScopeRefused() {
        return rolesScopeRefused;
    }

    /** A URI on the org: {@code path} as given, {@code query} parameters encoded. */
    URI uri(String path, String... query) {
        StringJoiner q = new StringJoiner("&");
        for (int i = 0; i + 1 < query.length; i += 2) {
            q.add(query[i] + "=" + URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(settings.orgUrl() + path + (q.length() == 0 ? "" : "?" + q));
    }

    /** An instant as Okta's filters and parameters take it: UTC, to the millisecond. */
    static String millis(Instant instant) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC).format(instant);
    }

    /**
     * Reads every page of a listing whose body is a JSON array, following {@code Link: <...>; rel="next"}.
     *
     * @param stopOnEmpty end at the first empty page even if a next link came (a System Log query)
     * @return how many pages were read
     * @throws OktaException when a page cannot be read: never a part of the listing as if it were all
     */
    int forEachPage(Endpoint endpoint, URI first, Deadline deadline, boolean stopOnEmpty, Consumer<JsonNode> item,
                    Runnable afterPage) throws OktaException, InterruptedException {
        URI next = first;
        Set<String> seen = new HashSet<>();
        int pages = 0;
        while (next != null) {
            if (!seen.add(next.toString())) {
                throw new OktaException(Reason.OTHER, 200, "", "Okta handed back the same next page twice for "
                        + endpoint.words + " of org " + settings.org() + "; the listing was not read to its end");
            }
            Answer answer = get(endpoint, next, deadline);
            if (!answer.ok()) {
                throw failure(endpoint, answer);
            }
            if (!answer.json().isArray()) {
                throw new OktaException(Reason.OTHER, answer.status(), "", "Okta answered a page of " + endpoint.words
                        + " of org " + settings.org() + " that is not a JSON array; check orgUrl");
            }
            pages++;
            answer.json().forEach(item);
            afterPage.run();
            next = answer.json().isEmpty() && stopOnEmpty ? null : answer.next().orElse(null);
        }
        return pages;
    }

    /**
     * One GET with the credential, paced, retried on 429 (until the bucket's reset), 5xx and failed connections.
     *
     * @return the answer, 2xx or an error Okta gave (the caller decides about 404, 403 and the like)
     * @throws OktaException for a credential refused twice, a redirect, or retries and waits the deadline does not allow
     */
    Answer get(Endpoint endpoint, URI uri, Deadline deadline) throws OktaException, InterruptedException {
        boolean renewed = false;
        while (true) {
            String authorization = authorization(deadline);
            Answer answer = send(endpoint, () -> HttpRequest.newBuilder(uri)
                    .header("Authorization", authorization)
                    .header("Accept", "application/json")
                    .GET(), deadline);
            if (answer.status() == 401 && settings.credential() instanceof Credential.ServiceApp && !renewed) {
                // An access token can be revoked or expire early: fetch a new one, once.
                synchronized (this) {
                    accessToken = null;
                }
                renewed = true;
                continue;
            }
            if (answer.status() == 401) {
                throw failure(endpoint, answer);
            }
            return answer;
        }
    }

    /** The message for an error answer: what Okta said, and what to do about it. */
    OktaException failure(Endpoint endpoint, Answer answer) {
        String org = "org " + settings.org();
        String said = "Okta answered " + answer.status() + (answer.errorCode().isEmpty() ? "" : " " + answer.errorCode())
                + (answer.errorSummary().isEmpty() ? "" : " '" + scrubber.quote(answer.errorSummary()) + "'");
        boolean token = settings.credential() instanceof Credential.ApiToken;
        if (answer.status() == 401) {
            return new OktaException(Reason.AUTHENTICATION, 401, answer.errorCode(), said + " for " + endpoint.words
                    + " of " + org + ": " + (token
                    ? "the API token is not valid (revoked, expired after 30 days unused, created in another org, or "
                    + "its admin was deactivated); create a new one in Security > API > Tokens and update token"
                    : "the access token of service app " + clientId() + " was refused twice; check that orgUrl is the "
                    + "org the app belongs to"));
        }
        if (answer.status() == 403) {
            return new OktaException(Reason.PERMISSION, 403, answer.errorCode(), said + " for " + endpoint.words
                    + " of " + org + ": " + (token
                    ? "the admin who created the API token needs a role that may read this (the Read-Only "
                    + "Administrator role reads users, factors and the System Log)"
                    : "grant the scope " + endpoint.scope + " to service app " + clientId() + " (Okta API Scopes tab) "
                    + "and give the app an admin role that may read it (Read-Only Administrator)"));
        }
        if (answer.status() == 400 && answer.errorCode().equals("E0000053")) {
            return new OktaException(Reason.LOG_RETENTION, 400, answer.errorCode(), said + " for " + endpoint.words
                    + " of " + org + ": the query reaches further back than the System Log keeps");
        }
        if (answer.status() == 404) {
            return new OktaException(Reason.NOT_FOUND, 404, answer.errorCode(), said + " for " + endpoint.words
                    + " of " + org);
        }
        return new OktaException(Reason.OTHER, answer.status(), answer.errorCode(), said + " for " + endpoint.words
                + " of " + org);
    }

    private String clientId() {
        return settings.credential() instanceof Credential.ServiceApp app ? app.clientId() : "";
    }

    /** {@code SSWS <token>}, or {@code Bearer <access token>} fetched when there is none or it is about to expire. */
    private String authorization(Deadline deadline) throws OktaException, InterruptedException {
        if (settings.credential() instanceof Credential.ApiToken token) {
            return "SSWS " + token.token().reveal();
        }
        return "Bearer " + accessToken(deadline);
    }

    private synchronized String accessToken(Deadline deadline) throws OktaException, InterruptedException {
        if (accessToken != null && context.nanoTime().getAsLong() - renewAtNanos < 0) {
            return accessToken;
        }
        accessToken = null;
        Credential.ServiceApp app = (Credential.ServiceApp) settings.credential();
        List<String> scopes = new ArrayList<>(List.of(USERS_READ, LOGS_READ));
        if (!rolesScopeRefused) {
            scopes.add(ROLES_READ);
        }
        while (true) {
            long started = context.nanoTime().getAsLong();
            String assertion = assertion(app, context.clock().instant());
            scrubber.add(assertion);
            scrubber.add(assertion.substring(assertion.lastIndexOf('.') + 1));
            String form = "grant_type=client_credentials"
                    + "&scope=" + URLEncoder.encode(String.join(" ", scopes), StandardCharsets.UTF_8)
                    + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    StandardCharsets.UTF_8)
                    + "&client_assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
            Answer answer = send(Endpoint.TOKEN, () -> HttpRequest.newBuilder(settings.tokenUri())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form)), deadline);
            String error = answer.json().path("error").asText("");
            String description = answer.json().path("error_description").asText("");
            if (answer.status() == 400 && error.equals("invalid_scope") && description.contains(ROLES_READ)
                    && scopes.contains(ROLES_READ)) {
                // The app was not granted okta.roles.read: go on without admin roles, which the monitor says once.
                rolesScopeRefused = true;
                scopes.remove(ROLES_READ);
                continue;
            }
            if (!answer.ok()) {
                throw tokenFailure(app, answer.status(), error, description);
            }
            String issued = answer.json().path("access_token").asText("");
            if (issued.isEmpty()) {
                throw new OktaException(Reason.AUTHENTICATION, answer.status(), "", "the token endpoint "
                        + settings.tokenUri() + " answered " + answer.status() + " without an access_token");
            }
            scrubber.add(issued);
            if (!answer.json().path("token_type").asText("Bearer").equalsIgnoreCase("Bearer")) {
                throw new OktaException(Reason.AUTHENTICATION, answer.status(), "", "the token endpoint "
                        + settings.tokenUri() + " issued a " + scrubber.quote(answer.json().path("token_type").asText())
                        + " token; turn off 'Require Demonstrating Proof of Possession (DPoP)' for service app "
                        + app.clientId() + ", which this monitor does not do");
            }
            Duration lifetime = Duration.ofSeconds(Math.max(0, answer.json().path("expires_in").asLong(3600)));
            Duration margin = lifetime.compareTo(TOKEN_MARGIN.multipliedBy(2)) > 0 ? TOKEN_MARGIN : lifetime.dividedBy(2);
            renewAtNanos = started + lifetime.minus(margin).toNanos();
            accessToken = issued;
            return issued;
        }
    }

    private OktaException tokenFailure(Credential.ServiceApp app, int status, String error, String description) {
        String said = "the token endpoint " + settings.tokenUri() + " refused service app " + app.clientId() + " ("
                + status + (error.isEmpty() ? "" : " " + scrubber.quote(error))
                + (description.isEmpty() ? "" : " '" + scrubber.quote(description) + "'") + ")";
        String lower = description.toLowerCase(Locale.ROOT);
        if (error.equals("invalid_client") && lower.contains("signature")) {
            return new OktaException(Reason.AUTHENTICATION, status, error, said + ": privateKey does not belong to a "
                    + "public key registered with the app (General > Client Credentials > Public keys); check keyId too");
        }
        if (error.equals("invalid_client")) {
            return new OktaException(Reason.AUTHENTICATION, status, error, said + ": check clientId, that the app uses "
                    + "'Public key / Private key' client authentication, and that this machine's clock is right");
        }
        if (error.equals("invalid_scope")) {
            return new OktaException(Reason.PERMISSION, status, error, said + ": grant the scopes " + USERS_READ
                    + " and " + LOGS_READ + " (and " + ROLES_READ + " to see admins) on the app's Okta API Scopes tab");
        }
        if (error.contains("dpop")) {
            return new OktaException(Reason.AUTHENTICATION, status, error, said + ": turn off 'Require Demonstrating "
                    + "Proof of Possession (DPoP)' for the app, which this monitor does not do");
        }
        return new OktaException(Reason.AUTHENTICATION, status, error, said);
    }

    /** The signed client assertion: iss = sub = client id, aud = the token URI, a few minutes of life, a fresh jti. */
    private String assertion(Credential.ServiceApp app, Instant now) throws OktaException {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        app.key().keyId().ifPresent(kid -> header.put("kid", kid));
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        long iat = now.getEpochSecond();
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", app.clientId())
                .put("sub", app.clientId())
                .put("aud", settings.tokenUri().toString())
                .put("iat", iat)
                .put("exp", iat + ASSERTION_LIFETIME.toSeconds())
                .put("jti", Base64.getUrlEncoder().withoutPadding().encodeToString(jti));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(app.key().privateKey());
            rs256.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(rs256.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new OktaException(Reason.AUTHENTICATION, 0, "", "the client assertion for service app "
                    + app.clientId() + " could not be signed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Sends one request: first waits out a bucket whose reserve would be touched, then retries 429 (until the bucket's
     * reset), 5xx and failed connections while the deadline allows.
     */
    private Answer send(Endpoint endpoint, java.util.function.Supplier<HttpRequest.Builder> request, Deadline deadline)
            throws OktaException, InterruptedException {
        String where = endpoint.words + " of org " + settings.org();
        for (int attempt = 1; ; attempt++) {
            pace(endpoint, deadline, where);
            Duration left = deadline.remaining();
            if (left.isZero()) {
                throw new OktaException(Reason.UNAVAILABLE, 0, "", "the scan's deadline passed before " + where
                        + " could be read; raise the monitor's timeout for a large org");
            }
            Duration timeout = left.compareTo(settings.timeout()) < 0 ? left : settings.timeout();
            String problem;
            Optional<Instant> until = Optional.empty();
            synchronized (this) {
                if (endpoint == Endpoint.TOKEN) {
                    tokenRequests++;
                } else {
                    requests++;
                }
            }
            try {
                HttpResponse<String> response = http.send(request.get().timeout(timeout).build(),
                        HttpResponse.BodyHandlers.ofString());
                limits.record(endpoint.bucket, response.headers());
                int status = response.statusCode();
                if (status >= 300 && status < 400) {
                    throw new OktaException(Reason.OTHER, status, "", "Okta answered " + status + " (a redirect to "
                            + scrubber.quote(response.headers().firstValue("Location").orElse("nowhere")) + ") for "
                            + where + "; redirects are not followed: set orgUrl to the org URL itself (https://acme.okta.com)");
                }
                if (status != 429 && status < 500) {
                    return answer(status, response);
                }
                if (status == 429) {
                    until = RateLimits.resetOf(response.headers());
                    problem = "429 (rate limit of " + endpoint.bucket.name().toLowerCase(Locale.ROOT) + " requests)";
                } else {
                    problem = Integer.toString(status);
                }
            } catch (IOException e) {
                problem = "no answer (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + scrubber.quote(e.getMessage())) + ")";
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new OktaException(Reason.UNAVAILABLE, 0, "", where + " answered " + problem + " " + attempt
                        + " times in a row; the next run tries again");
            }
            Instant now = context.clock().instant();
            int tried = attempt;
            Duration wait = until.filter(u -> u.isAfter(now)).map(u -> Duration.between(now, u))
                    .orElseGet(() -> backoff.delay(tried));
            if (!Backoff.sleepWithin(wait, deadline, context.sleeper())) {
                Instant again = now.plus(wait);
                throw new OktaException(until.isPresent() ? Reason.RATE_LIMITED : Reason.UNAVAILABLE, 0, "",
                        where + " answered " + problem + "; " + (until.isPresent()
                        ? "the limit resets at " + again.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + ", after this run's deadline: the monitor can run again from then"
                        : "waiting " + wait.toMillis() + " ms more would pass the scan's deadline; the next run tries again"));
            }
        }
    }

    /** Waits until the bucket's reset when one more request would eat into the reserve kept for others. */
    private void pace(Endpoint endpoint, Deadline deadline, String where) throws OktaException, InterruptedException {
        Instant now = context.clock().instant();
        Optional<Instant> until = limits.pauseUntil(endpoint.bucket, now);
        if (until.isEmpty()) {
            return;
        }
        Duration wait = Duration.between(now, until.get());
        RateLimits.State state = limits.state(endpoint.bucket).orElseThrow();
        if (!Backoff.sleepWithin(wait, deadline, context.sleeper())) {
            throw new OktaException(Reason.RATE_LIMITED, 0, "", "Okta's rate limit for " + where + " has "
                    + state.remaining() + " of " + state.limit() + " requests left until "
                    + until.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", and the monitor keeps "
                    + settings.reservePercent() + "% of it free for the org's other integrations; waiting would pass "
                    + "this run's deadline: the monitor can run again from "
                    + until.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
    }

    private Answer answer(int status, HttpResponse<String> response) throws OktaException {
        String body = response.body() == null ? "" : response.body();
        JsonNode json;
        try {
            json = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            if (status >= 200 && status < 300) {
                throw new OktaException(Reason.OTHER, status, "", "Okta answered " + status + " with a body that is "
                        + "not JSON ('" + scrubber.quote(body) + "'); check orgUrl");
            }
            json = JSON.createObjectNode();
        }
        String code = json.path("errorCode").asText("");
        String summary = json.path("errorSummary").asText("");
        return new Answer(status, json, next(response), code, summary);
    }

    /** The {@code rel="next"} of the {@code Link} headers (one per relation, or several in one), checked to be on the org. */
    private Optional<URI> next(HttpResponse<String> response) throws OktaException {
        for (String header : response.headers().allValues("Link")) {
            Matcher link = LINK.matcher(header);
            while (link.find()) {
                Matcher rel = REL.matcher(link.group(2));
                while (rel.find()) {
                    for (String name : rel.group(1).trim().split("\\s+")) {
                        if (name.equalsIgnoreCase("next")) {
                            return Optional.of(checked(link.group(1)));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A next-page URI from Okta, refused when it is on another origin than orgUrl: the credential never goes there. */
    URI checked(String href) throws OktaException {
        URI next;
        try {
            next = URI.create(href);
        } catch (IllegalArgumentException e) {
            throw new OktaException(Reason.OTHER, 200, "", "Okta answered a next page link that is not a URI ('"
                    + scrubber.quote(href) + "'); the listing was not read to its end");
        }
        try {
            context.http().requireSameOrigin(settings.orgUrl(), next);
        } catch (IllegalStateException e) {
            throw new OktaException(Reason.OTHER, 200, "", "the next page is on another origin ("
                    + scrubber.quote(next.getScheme() + "://" + next.getRawAuthority()) + ") than orgUrl "
                    + settings.orgUrl() + "; the credential is not sent there: " + scrubber.quote(e.getMessage()));
        }
        return next;
    }
}
