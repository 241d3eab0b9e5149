package dev.mfamonitor.testkit.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Microsoft Graph (v1.0) and the Entra token endpoint of one tenant on loopback, for tests and benchmarks, serving
 * the documented JSON ({@code @odata.context}, {@code value}, {@code @odata.nextLink}).
 *
 * <p>Serves {@code POST /{tenant}/oauth2/v2.0/token} (client-credentials grant; checks {@code client_id}, {@code scope}
 * = this server's base URI + {@code /.default}, and either {@code client_secret} or a {@code client_assertion}: an RS256
 * JWT verified against the configured certificate's public key, with {@code x5t} its base64url SHA-1 thumbprint,
 * {@code aud} the token URI, {@code iss} = {@code sub} = the client id, {@code exp} in the future; refusals carry
 * Entra's {@code AADSTS} codes), and with a bearer token it issued: {@code GET
 * /v1.0/reports/authenticationMethods/userRegistrationDetails} ({@code $filter} on {@code isMfaRegistered},
 * {@code isMfaCapable}, {@code isAdmin}) and {@code .../userRegistrationDetails/{id}}, {@code GET /v1.0/users}
 * ({@code $select}, {@code $top} up to 999, {@code $filter=accountEnabled eq ...}) and {@code /v1.0/users/{id}},
 * {@code GET /v1.0/policies/identitySecurityDefaultsEnforcementPolicy} and {@code GET
 * /v1.0/identity/conditionalAccess/policies}.
 *
 * <p>Graph's own refusals are modelled: a tenant without Entra ID P1/P2 ({@link #premium(boolean)}) answers 403
 * {@code Authentication_RequestFromNonPremiumTenantOrB2CTenant} on the report; a missing permission
 * ({@link #revoke(String)}) answers as each endpoint does ({@code Authentication_MSGraphPermissionMissing},
 * {@code Authorization_RequestDenied}, {@code AccessDenied}). Throttling ({@link #throttle}), failures mid-paging and
 * anything else are scripted with {@link #script}; every request is recorded.
 *
 * <p>Time is the test's: {@link #clock(Supplier)} sets what "now" is for token lifetimes, assertion times and the
 * throttling windows, so a test whose monitor sleeps through a {@code TestContext} moves the fake's time too.
 */
public final class FakeEntra implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The permissions the endpoints need; all granted until {@link #revoke}. */
    public static final String AUDIT_LOG_READ_ALL = "AuditLog.Read.All";
    public static final String USER_READ_ALL = "User.Read.All";
    public static final String POLICY_READ_ALL = "Policy.Read.All";

    /** What a request was for. */
    public enum Kind { TOKEN, REPORT, REPORT_ROW, USERS, USER, SECURITY_DEFAULTS, CONDITIONAL_ACCESS, OTHER }

    /** One incoming request, for scripting and for assertions. */
    public record Request(Kind kind, String method, String path, Map<String, String> query, Optional<String> bearer,
                          String body) {
        /** A query parameter or "". */
        public String param(String name) {
            return query.getOrDefault(name, "");
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")));
        }
    }

    /** A scripted answer. */
    public record Reply(int status, Map<String, String> headers, String body) {
        /** A Graph error: {@code {"error": {"code": ..., "message": ..., "innerError": {...}}}}. */
        public static Reply graphError(int status, String code, String message) {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode error = root.putObject("error");
            error.put("code", code);
            error.put("message", message);
            ObjectNode inner = error.putObject("innerError");
            inner.put("date", "2026-01-01T00:00:00");
            inner.put("request-id", "5e9f5a7c-0000-4000-8000-000000000001");
            inner.put("client-request-id", "5e9f5a7c-0000-4000-8000-000000000001");
            return new Reply(status, Map.of(), root.toString());
        }

        /** 429 with {@code Retry-After} seconds, as the identity reports send it. */
        public static Reply throttled(long retryAfterSeconds) {
            Reply error = graphError(429, "TooManyRequests", "Too many requests.");
            return new Reply(429, Map.of("Retry-After", Long.toString(retryAfterSeconds)), error.body());
        }

        /** 429 without {@code Retry-After}, as Conditional Access sends it. */
        public static Reply throttledWithoutRetryAfter() {
            return graphError(429, "TooManyRequests", "Too many requests.");
        }

        /** 503, as Graph answers when a backend is unavailable. */
        public static Reply unavailable() {
            return graphError(503, "serviceNotAvailable", "The service is temporarily unavailable.");
        }
    }

    private record Script(Predicate<Request> when, AtomicInteger remaining, Function<Request, Reply> reply) {
    }

    private record Window(int permits, Duration length, boolean retryAfter, Deque<Instant> recent) {
    }

    private final String tenantId;
    private final String clientId;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, FakeEntraUser> users = new LinkedHashMap<>();
    private final List<Script> scripts = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private final List<String> assertions = new CopyOnWriteArrayList<>();
    private final Set<String> granted = ConcurrentHashMap.newKeySet();
    private final Map<Kind, Window> throttles = new EnumMap<>(Kind.class);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private volatile Supplier<Instant> clock = Instant::now;
    private volatile String clientSecret;
    private volatile X509Certificate certificate;
    private volatile String secretError;
    private volatile boolean certificateExpired;
    private volatile Duration tokenLifetime = Duration.ofSeconds(3599);
    private volatile boolean premium = true;
    private volatile int reportPageSize = 100;
    private volatile Boolean securityDefaults = Boolean.TRUE;
    private volatile List<JsonNode> policies = new ArrayList<>();
    private volatile int policyPageSize = 100;
    private volatile String nextLinkBase;
    private volatile Duration latency = Duration.ZERO;
    private volatile java.util.function.Consumer<Request> hook = request -> { };
    private final AtomicInteger throttledCount = new AtomicInteger();

    private FakeEntra(String tenantId, String clientId) throws IOException {
        this.tenantId = tenantId;
        this.clientId = clientId;
        granted.addAll(List.of(AUDIT_LOG_READ_ALL, USER_READ_ALL, POLICY_READ_ALL));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Several threads, so that a client sending requests concurrently would be seen doing it.
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A tenant {@code tenantId} with one app {@code clientId} and no users yet; give it a credential next. */
    public static FakeEntra start(String tenantId, String clientId) {
        try {
            return new FakeEntra(tenantId, clientId);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Entra server", e);
        }
    }

    /** The base URI, both {@code graphEndpoint} and {@code loginEndpoint}: {@code http://127.0.0.1:PORT}. */
    public URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** The token endpoint of the tenant. */
    public URI tokenUri() {
        return URI.create(url() + "/" + tenantId + "/oauth2/v2.0/token");
    }

    /** Accepts this client secret. */
    public FakeEntra clientSecret(String secret) {
        this.clientSecret = secret;
        return this;
    }

    /** Accepts client assertions signed by this certificate's key. */
    public FakeEntra certificate(X509Certificate value) {
        this.certificate = value;
        return this;
    }

    /** The secret has expired: the token endpoint answers AADSTS7000222. */
    public FakeEntra secretExpired() {
        this.secretError = "expired";
        return this;
    }

    /** The certificate has expired in the app registration: the token endpoint answers AADSTS700027. */
    public FakeEntra certificateExpired() {
        this.certificateExpired = true;
        return this;
    }

    /** What "now" is for tokens, assertions and throttling windows. */
    public FakeEntra clock(Supplier<Instant> now) {
        this.clock = Objects.requireNonNull(now);
        return this;
    }

    /** How long issued tokens live ({@code expires_in}); 3599 s by default, as Entra issues them. */
    public FakeEntra tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
        return this;
    }

    /** Whether the tenant has Entra ID P1 or P2; without, the report answers 403. */
    public FakeEntra premium(boolean value) {
        this.premium = value;
        return this;
    }

    /** Takes an application permission away from the app. */
    public FakeEntra revoke(String permission) {
        granted.remove(permission);
        return this;
    }

    /** Rows per report page (Graph chooses; 100 here by default). */
    public FakeEntra reportPageSize(int size) {
        this.reportPageSize = size;
        return this;
    }

    /** Security defaults on or off; {@code null}: the policy object has no {@code isEnabled}. */
    public FakeEntra securityDefaults(Boolean enabled) {
        this.securityDefaults = enabled;
        return this;
    }

    /** The Conditional Access policies, as Graph's {@code conditionalAccessPolicy} objects. */
    public FakeEntra conditionalAccessPolicies(List<? extends JsonNode> value) {
        this.policies = List.copyOf(value);
        return this;
    }

    /** Policies per page of the Conditional Access list. */
    public FakeEntra policyPageSize(int size) {
        this.policyPageSize = size;
        return this;
    }

    /** Next page links point to this base instead of this server (a hostile or misconfigured Graph). */
    public FakeEntra nextLinksTo(URI base) {
        this.nextLinkBase = base.toString();
        return this;
    }

    /** A real delay before every answer (benchmarks only; tests must not sleep). */
    public FakeEntra latency(Duration delay) {
        this.latency = Objects.requireNonNull(delay);
        return this;
    }

    /**
     * Models a throttling limit: at most {@code permits} requests of the given kinds together in any {@code window} of
     * the fake's clock; beyond it 429, with {@code Retry-After} (whole seconds until a permit frees) when
     * {@code retryAfter}. Graph: identity reports (the report and its rows) about 5 per 10 s per app and tenant with
     * Retry-After; Conditional Access about 1 per second per tenant without.
     */
    public synchronized FakeEntra throttle(int permits, Duration window, boolean retryAfter, Kind... kinds) {
        Window shared = new Window(permits, window, retryAfter, new ArrayDeque<>());
        for (Kind kind : kinds) {
            throttles.put(kind, shared);
        }
        return this;
    }

    /** Runs {@code hook} on every request as it arrives (a benchmark advancing a virtual clock by a latency, say). */
    public FakeEntra onRequest(java.util.function.Consumer<Request> hook) {
        this.hook = Objects.requireNonNull(hook);
        return this;
    }

    /** How many requests were answered 429 by a {@link #throttle} limit. */
    public int throttledCount() {
        return throttledCount.get();
    }

    /** A Conditional Access policy that requires MFA of all users for all applications. */
    public static ObjectNode mfaForAllUsersPolicy(String displayName, String state) {
        ObjectNode policy = JSON.createObjectNode();
        policy.put("id", "7359d0e0-0000-4000-8000-" + String.format("%012d", Math.abs(displayName.hashCode()) % 1_000_000_000_000L));
        policy.put("displayName", displayName);
        policy.put("createdDateTime", "2025-06-01T10:00:00Z");
        policy.putNull("modifiedDateTime");
        policy.put("state", state);
        ObjectNode conditions = policy.putObject("conditions");
        conditions.putArray("clientAppTypes").add("all");
        ObjectNode applications = conditions.putObject("applications");
        applications.putArray("includeApplications").add("All");
        applications.putArray("excludeApplications");
        applications.putArray("includeUserActions");
        ObjectNode users = conditions.putObject("users");
        users.putArray("includeUsers").add("All");
        users.putArray("excludeUsers");
        users.putArray("includeGroups");
        users.putArray("excludeGroups");
        users.putArray("includeRoles");
        users.putArray("excludeRoles");
        conditions.putNull("platforms");
        conditions.putNull("locations");
        ObjectNode grant = policy.putObject("grantControls");
        grant.put("operator", "OR");
        grant.putArray("builtInControls").add("mfa");
        grant.putArray("customAuthenticationFactors");
        grant.putArray("termsOfUse");
        grant.putNull("authenticationStrength");
        policy.putNull("sessionControls");
        return policy;
    }

    /** Adds a user (enabled, member, no MFA) and returns it to shape. */
    public synchronized FakeEntraUser user(String id, String userPrincipalName) {
        FakeEntraUser user = new FakeEntraUser(id, userPrincipalName);
        users.put(id, user);
        return user;
    }

    /** Adds {@code count} users {@code user1@...} with ids made from their number, every one with strong MFA. */
    public synchronized List<FakeEntraUser> users(int count) {
        List<FakeEntraUser> added = new ArrayList<>();
        int start = users.size();
        for (int i = start + 1; i <= start + count; i++) {
            added.add(user(idOf(i), "user" + i + "@contoso.onmicrosoft.com").withMfa());
        }
        return added;
    }

    /** The id {@link #users(int)} gives user number {@code n}: a GUID-shaped string. */
    public static String idOf(int n) {
        return String.format("%08x-0000-4000-8000-%012d", n, n);
    }

    /** The user with this id. */
    public synchronized FakeEntraUser get(String id) {
        return Objects.requireNonNull(users.get(id), id);
    }

    /** Deletes a user from both the report and {@code /users}. */
    public synchronized void delete(String id) {
        users.remove(id);
    }

    /**
     * Answers the next {@code times} requests matching {@code when} with {@code reply} instead of the real answer;
     * {@code times < 0} for every one. Scripts are tried in the order given.
     */
    public FakeEntra script(Predicate<Request> when, int times, Reply reply) {
        scripts.add(new Script(when, new AtomicInteger(times), request -> reply));
        return this;
    }

    /** Like {@link #script(Predicate, int, Reply)}, the answer made from the request (a server that echoes it, say). */
    public FakeEntra script(Predicate<Request> when, int times, Function<Request, Reply> reply) {
        scripts.add(new Script(when, new AtomicInteger(times), reply));
        return this;
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many requests of these kinds arrived, scripted and throttled ones included. */
    public long count(Kind... kinds) {
        Set<Kind> wanted = Set.of(kinds);
        return requests.stream().filter(r -> wanted.contains(r.kind())).count();
    }

    /** Graph requests (everything but the token endpoint). */
    public long graphRequests() {
        return requests.stream().filter(r -> r.kind() != Kind.TOKEN).count();
    }

    /** Forgets the requests seen so far. */
    public void resetRequests() {
        requests.clear();
        maxInFlight.set(0);
    }

    /** The most requests ever being answered at once. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    /** Every access token issued, for canary checks. */
    public List<String> issuedTokens() {
        return List.copyOf(issuedTokens);
    }

    /** Every client assertion received, for canary checks. */
    public List<String> receivedAssertions() {
        return List.copyOf(assertions);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = parseForm(exchange.getRequestURI().getRawQuery());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Optional<String> bearer = authorization != null && authorization.startsWith("Bearer ")
                    ? Optional.of(authorization.substring(7)) : Optional.empty();
            Request request = new Request(kindOf(exchange.getRequestMethod(), path), exchange.getRequestMethod(), path, query,
                    bearer, body);
            requests.add(request);
            hook.accept(request);
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
            Reply reply = scripted(request).or(() -> throttled(request))
                    .orElseGet(() -> answer(request, body, exchange.getRequestHeaders().getFirst("Content-Type")));
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            // Done before the answer leaves: a serial client may send its next request the moment it has this one.
            inFlight.decrementAndGet();
            counted = false;
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            reply.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    private Kind kindOf(String method, String path) {
        String report = "/v1.0/reports/authenticationMethods/userRegistrationDetails";
        if (method.equals("POST") && path.endsWith("/oauth2/v2.0/token")) {
            return Kind.TOKEN;
        } else if (path.equals(report)) {
            return Kind.REPORT;
        } else if (path.startsWith(report + "/")) {
            return Kind.REPORT_ROW;
        } else if (path.equals("/v1.0/users")) {
            return Kind.USERS;
        } else if (path.startsWith("/v1.0/users/")) {
            return Kind.USER;
        } else if (path.equals("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy")) {
            return Kind.SECURITY_DEFAULTS;
        } else if (path.equals("/v1.0/identity/conditionalAccess/policies")) {
            return Kind.CONDITIONAL_ACCESS;
        }
        return Kind.OTHER;
    }

    private Optional<Reply> scripted(Request request) {
        for (Script script : scripts) {
            if (script.when().test(request)) {
                int left = script.remaining().getAndUpdate(n -> n > 0 ? n - 1 : n);
                if (left != 0) {
                    return Optional.of(script.reply().apply(request));
                }
            }
        }
        return Optional.empty();
    }

    private synchronized Optional<Reply> throttled(Request request) {
        Window window = throttles.get(request.kind());
        if (window == null) {
            return Optional.empty();
        }
        Instant now = clock.get();
        while (!window.recent().isEmpty() && !window.recent().peekFirst().plus(window.length()).isAfter(now)) {
            window.recent().pollFirst();
        }
        if (window.recent().size() < window.permits()) {
            window.recent().addLast(now);
            return Optional.empty();
        }
        throttledCount.incrementAndGet();
        if (!window.retryAfter()) {
            return Optional.of(Reply.throttledWithoutRetryAfter());
        }
        Duration wait = Duration.between(now, window.recent().peekFirst().plus(window.length()));
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return Optional.of(Reply.throttled(seconds));
    }

    private Reply answer(Request request, String body, String contentType) {
        if (request.kind() == Kind.TOKEN) {
            return token(request, body, contentType);
        }
        if (request.bearer().isEmpty()) {
            return Reply.graphError(401, "InvalidAuthenticationToken", "Access token is empty.");
        }
        Instant expires = tokens.get(request.bearer().get());
        if (expires == null || !clock.get().isBefore(expires)) {
            return Reply.graphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
        }
        if (!request.method().equals("GET")) {
            return Reply.graphError(405, "Request_BadRequest", "Method not allowed.");
        }
        return switch (request.kind()) {
            case REPORT, REPORT_ROW -> report(request);
            case USERS, USER -> users(request);
            case SECURITY_DEFAULTS -> securityDefaults();
            case CONDITIONAL_ACCESS -> conditionalAccess(request);
            default -> Reply.graphError(400, "BadRequest", "Resource not found for the segment '" + request.path() + "'.");
        };
    }

    private Reply token(Request request, String body, String contentType) {
        if (!request.path().equals("/" + tenantId + "/oauth2/v2.0/token")) {
            String tenant = request.path().split("/")[1];
            return tokenError(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you "
                    + "have the correct tenant ID and are signing into the correct cloud.");
        }
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return tokenError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }
        Map<String, String> form = parseForm(body);
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return tokenError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        }
        if (!clientId.equals(form.get("client_id"))) {
            return tokenError(400, "unauthorized_client", 700016, "Application with identifier '" + form.get("client_id")
                    + "' was not found in the directory '" + tenantId + "'.");
        }
        if (!(url() + "/.default").equals(form.get("scope"))) {
            return tokenError(400, "invalid_scope", 1002012, "The provided value for scope " + form.get("scope")
                    + " is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
        }
        if (form.containsKey("client_secret")) {
            if (clientSecret == null || !clientSecret.equals(form.get("client_secret"))) {
                return tokenError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent "
                        + "in the request is the client secret value, not the client secret ID, for a secret added to app '" + clientId + "'.");
            }
            if ("expired".equals(secretError)) {
                return tokenError(401, "invalid_client", 7000222, "The provided client secret keys for app '" + clientId
                        + "' are expired. Visit the Azure portal to create new keys for your app.");
            }
        } else if (form.containsKey("client_assertion")) {
            String assertion = form.get("client_assertion");
            assertions.add(assertion);
            if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
                return tokenError(400, "invalid_request", 50027, "Invalid client_assertion_type.");
            }
            Optional<String> problem = verifyAssertion(assertion);
            if (problem.isPresent()) {
                return tokenError(401, "invalid_client", problem.get().startsWith("time") ? 700024 : 700027, problem.get());
            }
            if (certificateExpired) {
                return tokenError(401, "invalid_client", 700027, "The certificate with identifier used to sign the client "
                        + "assertion is expired on application.");
            }
        } else {
            return tokenError(401, "invalid_client", 7000218, "The request body must contain the following parameter: "
                    + "'client_assertion' or 'client_secret'.");
        }
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        String token = "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImZha2UifQ." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tokens.put(token, clock.get().plus(tokenLifetime));
        issuedTokens.add(token);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("token_type", "Bearer");
        answer.put("expires_in", tokenLifetime.toSeconds());
        answer.put("ext_expires_in", tokenLifetime.toSeconds());
        answer.put("access_token", token);
        return new Reply(200, Map.of(), answer.toString());
    }

    private Optional<String> verifyAssertion(String jwt) {
        if (certificate == null) {
            return Optional.of("No certificate is registered for the application.");
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return Optional.of("Client assertion is not a JWT.");
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return Optional.of("Client assertion must be signed RS256.");
            }
            String thumbprint = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
            if (!thumbprint.equals(header.path("x5t").asText())) {
                return Optional.of("Client assertion contains an unknown x5t (certificate thumbprint).");
            }
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return Optional.of("Client assertion failed signature validation.");
            }
            if (!tokenUri().toString().equals(claims.path("aud").asText())) {
                return Optional.of("The audience claim of the client assertion is not the token endpoint.");
            }
            if (!clientId.equals(claims.path("iss").asText()) || !clientId.equals(claims.path("sub").asText())) {
                return Optional.of("The iss and sub claims of the client assertion must be the client id.");
            }
            if (claims.path("jti").asText().isEmpty()) {
                return Optional.of("The client assertion has no jti.");
            }
            long now = clock.get().getEpochSecond();
            if (claims.path("exp").asLong(0) <= now || claims.path("nbf").asLong(Long.MAX_VALUE) > now + 300) {
                return Optional.of("time: The client assertion is not within its valid time range.");
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return Optional.of("Client assertion could not be read.");
        }
    }

    private Reply tokenError(int status, String error, long code, String description) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("error", error);
        answer.put("error_description", "AADSTS" + code + ": " + description
                + "\r\nTrace ID: 0a1b2c3d-0000-4000-8000-000000000001\r\nCorrelation ID: 0a1b2c3d-0000-4000-8000-000000000002"
                + "\r\nTimestamp: 2026-01-01 00:00:00Z");
        answer.putArray("error_codes").add(code);
        answer.put("timestamp", "2026-01-01 00:00:00Z");
        answer.put("trace_id", "0a1b2c3d-0000-4000-8000-000000000001");
        answer.put("correlation_id", "0a1b2c3d-0000-4000-8000-000000000002");
        answer.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        return new Reply(status, Map.of(), answer.toString());
    }

    private Reply report(Request request) {
        if (!premium) {
            return Reply.graphError(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                    "Tenant doesn't have premium license");
        }
        if (!granted.contains(AUDIT_LOG_READ_ALL)) {
            return Reply.graphError(403, "Authentication_MSGraphPermissionMissing",
                    "Calling principal does not have required MSGraph permissions AuditLog.Read.All");
        }
        String prefix = "/v1.0/reports/authenticationMethods/userRegistrationDetails";
        if (request.kind() == Kind.REPORT_ROW) {
            String id = URLDecoder.decode(request.path().substring(prefix.length() + 1), StandardCharsets.UTF_8);
            FakeEntraUser user;
            synchronized (this) {
                user = users.get(id);
            }
            if (user == null || !user.listedInReport()) {
                return Reply.graphError(404, "ResourceNotFound", "Resource not found for the segment '" + id + "'.");
            }
            ObjectNode row = reportRow(user);
            row.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails/$entity");
            return new Reply(200, Map.of(), row.toString());
        }
        Paging paging = Paging.of(request, "$filter");
        Predicate<FakeEntraUser> filter;
        switch (paging.filter) {
            case "" -> filter = u -> true;
            case "isMfaRegistered eq false" -> filter = u -> !u.mfaRegistered();
            case "isMfaRegistered eq true" -> filter = FakeEntraUser::mfaRegistered;
            case "isMfaCapable eq false" -> filter = u -> !u.mfaCapable();
            case "isMfaCapable eq true" -> filter = FakeEntraUser::mfaCapable;
            case "isAdmin eq true" -> filter = FakeEntraUser::admin;
            default -> {
                return Reply.graphError(400, "BadRequest", "Invalid filter clause: " + paging.filter);
            }
        }
        List<FakeEntraUser> listed;
        synchronized (this) {
            listed = users.values().stream().filter(FakeEntraUser::listedInReport).filter(filter).collect(Collectors.toList());
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails");
        ArrayNode value = page.putArray("value");
        int end = Math.min(listed.size(), paging.offset + reportPageSize);
        for (int i = paging.offset; i < end; i++) {
            value.add(reportRow(listed.get(i)));
        }
        if (end < listed.size()) {
            page.put("@odata.nextLink", nextLink(prefix, Map.of(), paging.filter, end));
        }
        return new Reply(200, Map.of(), page.toString());
    }

    private ObjectNode reportRow(FakeEntraUser user) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", user.id());
        row.put("userPrincipalName", user.userPrincipalName());
        row.put("userDisplayName", user.userPrincipalName().split("@")[0]);
        row.put("userType", user.userType());
        row.put("isAdmin", user.admin());
        row.put("isSsprRegistered", false);
        row.put("isSsprEnabled", false);
        row.put("isSsprCapable", false);
        row.put("isMfaRegistered", user.mfaRegistered());
        row.put("isMfaCapable", user.mfaCapable());
        row.put("isPasswordlessCapable", user.registeredMethods().contains("fido2") || user.registeredMethods().contains("windowsHelloForBusiness"));
        ArrayNode methods = row.putArray("methodsRegistered");
        user.registeredMethods().forEach(methods::add);
        row.put("isSystemPreferredAuthenticationMethodEnabled", true);
        row.putArray("systemPreferredAuthenticationMethods");
        row.put("userPreferredMethodForSecondaryAuthentication", user.mfaRegistered() ? "push" : "");
        row.put("lastUpdatedDateTime", "2026-01-01T00:00:00.0000000Z");
        return row;
    }

    private Reply users(Request request) {
        if (!granted.contains(USER_READ_ALL)) {
            return Reply.graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        List<String> select = request.param("$select").isEmpty() ? List.of()
                : List.of(request.param("$select").split(","));
        if (request.kind() == Kind.USER) {
            String id = URLDecoder.decode(request.path().substring("/v1.0/users/".length()), StandardCharsets.UTF_8);
            FakeEntraUser user;
            synchronized (this) {
                user = users.get(id);
            }
            if (user == null || !user.listedInUsers()) {
                return Reply.graphError(404, "Request_ResourceNotFound", "Resource '" + id
                        + "' does not exist or one of its queried reference-property objects are not present.");
            }
            ObjectNode row = userRow(user, select);
            row.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users(" + String.join(",", select) + ")/$entity");
            return new Reply(200, Map.of(), row.toString());
        }
        Paging paging = Paging.of(request, "$filter");
        int top = request.param("$top").isEmpty() ? 100 : Integer.parseInt(request.param("$top"));
        if (top < 1 || top > 999) {
            return Reply.graphError(400, "Request_UnsupportedQuery", "Invalid page size specified: '" + top
                    + "'. Must be between 1 and 999 inclusive.");
        }
        Predicate<FakeEntraUser> filter;
        switch (paging.filter) {
            case "" -> filter = u -> true;
            case "accountEnabled eq false" -> filter = u -> !u.accountEnabled();
            case "accountEnabled eq true" -> filter = FakeEntraUser::accountEnabled;
            default -> {
                return Reply.graphError(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property.");
            }
        }
        List<FakeEntraUser> listed;
        synchronized (this) {
            listed = users.values().stream().filter(FakeEntraUser::listedInUsers).filter(filter).collect(Collectors.toList());
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users(" + String.join(",", select) + ")");
        ArrayNode value = page.putArray("value");
        int end = Math.min(listed.size(), paging.offset + top);
        for (int i = paging.offset; i < end; i++) {
            value.add(userRow(listed.get(i), select));
        }
        if (end < listed.size()) {
            Map<String, String> keep = new LinkedHashMap<>();
            if (!select.isEmpty()) {
                keep.put("$select", String.join(",", select));
            }
            keep.put("$top", Integer.toString(top));
            page.put("@odata.nextLink", nextLink("/v1.0/users", keep, paging.filter, end));
        }
        return new Reply(200, Map.of(), page.toString());
    }

    private ObjectNode userRow(FakeEntraUser user, List<String> select) {
        ObjectNode row = JSON.createObjectNode();
        Map<String, Runnable> fields = new LinkedHashMap<>();
        fields.put("id", () -> row.put("id", user.id()));
        fields.put("userPrincipalName", () -> row.put("userPrincipalName", user.userPrincipalName()));
        fields.put("displayName", () -> row.put("displayName", user.userPrincipalName().split("@")[0]));
        fields.put("accountEnabled", () -> row.put("accountEnabled", user.accountEnabled()));
        // /users spells it with a capital, the report in lower case.
        fields.put("userType", () -> row.put("userType", user.userType().equals("guest") ? "Guest" : "Member"));
        if (select.isEmpty()) {
            fields.values().forEach(Runnable::run);
        } else {
            row.put("id", user.id());
            for (String field : select) {
                Runnable put = fields.get(field);
                if (put != null) {
                    put.run();
                }
            }
        }
        return row;
    }

    private Reply securityDefaults() {
        if (!granted.contains(POLICY_READ_ALL)) {
            return Reply.graphError(403, "AccessDenied", "You cannot perform the requested operation, required scopes are missing in the token.");
        }
        ObjectNode policy = JSON.createObjectNode();
        policy.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity");
        policy.put("id", "00000000-0000-0000-0000-000000000005");
        policy.put("displayName", "Security Defaults");
        policy.put("description", "Security defaults is a set of basic identity security mechanisms recommended by Microsoft.");
        if (securityDefaults != null) {
            policy.put("isEnabled", securityDefaults.booleanValue());
        }
        return new Reply(200, Map.of(), policy.toString());
    }

    private Reply conditionalAccess(Request request) {
        if (!granted.contains(POLICY_READ_ALL)) {
            return Reply.graphError(403, "AccessDenied", "You cannot perform the requested operation, required scopes are missing in the token.");
        }
        Paging paging = Paging.of(request, "$filter");
        List<JsonNode> all = policies;
        ObjectNode page = JSON.createObjectNode();
        page.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies");
        ArrayNode value = page.putArray("value");
        int end = Math.min(all.size(), paging.offset + policyPageSize);
        for (int i = paging.offset; i < end; i++) {
            value.add(all.get(i).deepCopy());
        }
        if (end < all.size()) {
            page.put("@odata.nextLink", nextLink("/v1.0/identity/conditionalAccess/policies", Map.of(), "", end));
        }
        return new Reply(200, Map.of(), page.toString());
    }

    /** Graph's next links carry an opaque {@code $skiptoken}; this one encodes the filter and the offset. */
    private String nextLink(String path, Map<String, String> keep, String filter, int offset) {
        String token = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((filter + "\n" + offset).getBytes(StandardCharsets.UTF_8));
        StringBuilder link = new StringBuilder(nextLinkBase != null ? nextLinkBase : url().toString()).append(path).append('?');
        keep.forEach((k, v) -> link.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")).append('&'));
        return link.append("$skiptoken=").append(token).toString();
    }

    /** Where a listing request starts: its filter and offset, from the request or from its {@code $skiptoken}. */
    private record Paging(String filter, int offset) {
        static Paging of(Request request, String filterParam) {
            String skip = request.param("$skiptoken");
            if (skip.isEmpty()) {
                return new Paging(request.param(filterParam).trim(), 0);
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(skip), StandardCharsets.UTF_8).split("\n", 2);
            return new Paging(parts[0], Integer.parseInt(parts[1]));
        }
    }

    private static Map<String, String> parseForm(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (seen.add(key)) {
                out.put(key, value);
            }
        }
        return out;
    }
}
