package dev.mfamonitor.testkit.okta;

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
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One Okta org on loopback, for tests and benchmarks, serving Okta's documented JSON.
 *
 * <ul>
 * <li>{@code GET /api/v1/users} ({@code limit} up to 200, {@code after}; the plain listing leaves DEPROVISIONED users
 *     out; {@code search} and {@code filter} take {@code status eq "..."} and {@code lastUpdated gt "..."} joined with
 *     {@code and}/{@code or}). Paging through {@code Link} headers, one header per relation, {@code rel="self"} first,
 *     {@code rel="next"} carrying {@code after}.</li>
 * <li>{@code GET /api/v1/users/{id}} and {@code GET /api/v1/users/{id}/factors} (404 {@code E0000007} for a user that
 *     does not exist).</li>
 * <li>{@code GET /api/v1/logs} with {@code since}, {@code until}, {@code filter} ({@code eventType eq "..."} joined with
 *     {@code or}), {@code limit} (up to 1000), {@code after}, {@code sortOrder}: a bounded query (with {@code until})
 *     has no {@code next} link after its last page; a polling query (without) always has one. Events older than the
 *     retention (90 days) are silently left out; a {@code since} more than 180 days ago is refused with 400
 *     {@code E0000053}.</li>
 * <li>{@code GET /api/v1/iam/assignees/users} ({@code limit} up to 100, {@code after}), paged through
 *     {@code _links.next.href} in the body.</li>
 * <li>{@code POST /oauth2/v1/token}: the client-credentials grant with a {@code private_key_jwt} client assertion,
 *     verified with the configured public key (RS256 signature, {@code aud} = this token URI, {@code iss} = {@code sub}
 *     = the client id, {@code exp} in the future and at most an hour after {@code iat}, a {@code jti} not used
 *     before), and scopes within those granted.</li>
 * </ul>
 *
 * <p>Requests carry {@code Authorization: SSWS <api token>} or {@code Bearer <access token issued here>}; a bad one is
 * answered 401 {@code E0000011}, a missing scope or permission 403 {@code E0000006}. Every answer carries
 * {@code X-Rate-Limit-Limit}, {@code -Remaining} and {@code -Reset} (epoch seconds) of its bucket; a bucket over its
 * limit answers 429 {@code E0000047}. Buckets count per minute of the fake's clock ({@link #clock(Supplier)}), so a
 * test whose monitor sleeps through a {@code TestContext} moves the fake's time too. Anything else (failures, echoes)
 * is scripted with {@link #script}; every request is recorded.
 */
public final class FakeOkta implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Okta's System Log keeps 90 days. */
    public static final Duration RETENTION = Duration.ofDays(90);
    /** A {@code since} further back than this is refused with 400 E0000053. */
    public static final Duration OLDEST_SINCE = Duration.ofDays(180);
    public static final String USERS_READ = "okta.users.read";
    public static final String LOGS_READ = "okta.logs.read";
    public static final String ROLES_READ = "okta.roles.read";

    /** What a request was for. */
    public enum Kind { TOKEN, USERS, USER, FACTORS, LOGS, ROLES, OTHER }

    /** The rate-limit buckets, each with its own counter and headers, as Okta's limits are per endpoint. */
    public enum Bucket {
        USERS("/api/v1/users"), USER("/api/v1/users/{id}"), LOGS("/api/v1/logs"), ROLES("/api/v1/iam"),
        TOKEN("/oauth2/v1/token");

        /** Okta's name of the endpoint family. */
        public final String endpoint;

        Bucket(String endpoint) {
            this.endpoint = endpoint;
        }

        static Bucket of(Kind kind) {
            return switch (kind) {
                case USERS -> USERS;
                case USER, FACTORS -> USER;
                case LOGS -> LOGS;
                case ROLES -> ROLES;
                case TOKEN, OTHER -> TOKEN;
            };
        }
    }

    /** One incoming request, for scripting and for assertions. */
    public record Request(Kind kind, String method, String path, Map<String, String> query, String authorization,
                          String body) {
        /** A query parameter, decoded, or "". */
        public String param(String name) {
            return query.getOrDefault(name, "");
        }

        /** The user id of {@code /api/v1/users/{id}} and {@code /api/v1/users/{id}/factors}, or "". */
        public String userId() {
            Matcher m = Pattern.compile("/api/v1/users/([^/]+).*").matcher(path);
            return m.matches() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : "";
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")));
        }
    }

    /** A scripted answer. */
    public record Reply(int status, Map<String, String> headers, String body) {
        /** An Okta error body: {@code errorCode}, {@code errorSummary}, {@code errorLink}, {@code errorId}, {@code errorCauses}. */
        public static Reply error(int status, String code, String summary) {
            ObjectNode root = JSON.createObjectNode();
            root.put("errorCode", code);
            root.put("errorSummary", summary);
            root.put("errorLink", code);
            root.put("errorId", "oae" + Integer.toHexString(Math.abs((code + summary).hashCode())) + "fakeErrId");
            root.putArray("errorCauses");
            return new Reply(status, Map.of(), root.toString());
        }

        /** 503, as Okta answers when a backend is unavailable. */
        public static Reply unavailable() {
            return error(503, "E0000009", "Internal Server Error");
        }
    }

    /** One System Log event as recorded. */
    public record LogEvent(String uuid, Instant published, String eventType, List<String> targetUserIds) {
    }

    private record Script(Predicate<Request> when, AtomicInteger remaining, Function<Request, Reply> reply) {
    }

    private static final class Counter {
        long windowStart = Long.MIN_VALUE;
        int used;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, FakeOktaUser> users = new LinkedHashMap<>();
    private final List<LogEvent> log = new ArrayList<>();
    private final List<Script> scripts = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokenExpiry = new ConcurrentHashMap<>();
    private final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private final List<String> assertions = new CopyOnWriteArrayList<>();
    private final Set<String> usedJtis = ConcurrentHashMap.newKeySet();
    private final Map<Bucket, Integer> limits = new EnumMap<>(Bucket.class);
    private final Map<Bucket, Counter> counters = new EnumMap<>(Bucket.class);
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private volatile Supplier<Instant> clock = Instant::now;
    private volatile String apiToken;
    private volatile boolean apiTokenMayReadRoles = true;
    private volatile String clientId;
    private volatile PublicKey publicKey;
    private volatile Set<String> grantedScopes = Set.of(USERS_READ, LOGS_READ, ROLES_READ);
    private volatile Duration logLag = Duration.ZERO;
    private volatile Consumer<Request> hook = r -> { };
    private int nextUser;
    private int nextEvent;

    static {
        // Without TCP_NODELAY the JDK server writes headers and body as two segments, and Nagle's algorithm with the
        // client's delayed ACK costs 40 ms a request: 40 s for a full read of 1,000 users. Read once, when the first
        // server of the JVM starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private FakeOkta() throws IOException {
        for (Bucket bucket : Bucket.values()) {
            limits.put(bucket, 100_000);
            counters.put(bucket, new Counter());
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** An org with no users; give it an API token or a service app next. */
    public static FakeOkta start() {
        try {
            return new FakeOkta();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Okta server", e);
        }
    }

    /** The org URL: {@code http://127.0.0.1:PORT}. */
    public URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** The token endpoint of the org authorization server. */
    public URI tokenUri() {
        return URI.create(url() + "/oauth2/v1/token");
    }

    /** Accepts this API token ({@code Authorization: SSWS ...}). */
    public FakeOkta apiToken(String token) {
        this.apiToken = token;
        return this;
    }

    /** Whether the API token's admin may list role assignments; without, {@code /api/v1/iam} answers 403 E0000006. */
    public FakeOkta apiTokenMayReadRoles(boolean value) {
        this.apiTokenMayReadRoles = value;
        return this;
    }

    /** A service app {@code clientId} whose registered public key is {@code key}. */
    public FakeOkta serviceApp(String id, PublicKey key) {
        this.clientId = id;
        this.publicKey = key;
        return this;
    }

    /** The Okta API scopes granted to the service app (all three by default). */
    public FakeOkta grantedScopes(String... scopes) {
        this.grantedScopes = Set.of(scopes);
        return this;
    }

    /** What "now" is for tokens, log events, {@code lastUpdated} and the rate-limit windows. */
    public FakeOkta clock(Supplier<Instant> now) {
        this.clock = Objects.requireNonNull(now);
        return this;
    }

    /** How long an event takes to show in the log (the log is eventually consistent); zero by default. */
    public FakeOkta logLag(Duration lag) {
        this.logLag = lag;
        return this;
    }

    /** Requests per minute of a bucket (100,000 unless set). */
    public synchronized FakeOkta rateLimit(Bucket bucket, int perMinute) {
        limits.put(bucket, perMinute);
        return this;
    }

    /** Runs {@code action} on every request as it arrives (a benchmark advancing a virtual clock by a latency). */
    public FakeOkta onRequest(Consumer<Request> action) {
        this.hook = Objects.requireNonNull(action);
        return this;
    }

    /** How many requests were answered 429 by a rate limit. */
    public int throttledCount() {
        return throttled.get();
    }

    /** A user id as Okta makes them: {@code 00u} and 17 letters and digits. */
    public static String idOf(int n) {
        return String.format("00u%014dfk", n).substring(0, 19) + "7";
    }

    /** Adds an ACTIVE user without factors (no log event: it was there before the test). */
    public synchronized FakeOktaUser user(String id, String login) {
        FakeOktaUser user = new FakeOktaUser(id, login, clock.get().minus(Duration.ofDays(400)));
        users.put(id, user);
        return user;
    }

    /** Adds {@code count} ACTIVE users {@code user{n}@acme.example}, each with an active Okta Verify push factor. */
    public synchronized List<FakeOktaUser> users(int count) {
        List<FakeOktaUser> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = ++nextUser;
            added.add(user(idOf(n), "user" + n + "@acme.example").factor("push", "ACTIVE"));
        }
        return added;
    }

    /** The user with this id. */
    public synchronized FakeOktaUser get(String id) {
        return Objects.requireNonNull(users.get(id), id);
    }

    /** A new user, created and activated now: {@code user.lifecycle.create} and {@code user.lifecycle.activate} logged. */
    public synchronized FakeOktaUser createUser(String id, String login) {
        Instant now = clock.get();
        FakeOktaUser user = new FakeOktaUser(id, login, now);
        users.put(id, user);
        logEvent("user.lifecycle.create", id);
        logEvent("user.lifecycle.activate", id);
        return user;
    }

    /** Enrols and activates a factor: {@code user.mfa.factor.activate} logged. */
    public synchronized void activateFactor(String userId, String factorType) {
        FakeOktaUser user = get(userId);
        List<FakeOktaUser.Factor> factors = new ArrayList<>(user.factors());
        factors.add(new FakeOktaUser.Factor(user.factorId(factorType, factors.size()), factorType,
                FakeOktaUser.provider(factorType), "ACTIVE", clock.get()));
        user.replaceFactors(factors);
        logEvent("user.mfa.factor.activate", userId);
    }

    /** Resets every factor of the user: {@code user.mfa.factor.reset_all} logged. */
    public synchronized void resetFactors(String userId) {
        get(userId).replaceFactors(List.of());
        logEvent("user.mfa.factor.reset_all", userId);
    }

    /** Removes one factor type: {@code user.mfa.factor.deactivate} logged. */
    public synchronized void deactivateFactor(String userId, String factorType) {
        FakeOktaUser user = get(userId);
        user.replaceFactors(user.factors().stream().filter(f -> !f.factorType().equals(factorType)).toList());
        logEvent("user.mfa.factor.deactivate", userId);
    }

    /** Deactivates the user (status DEPROVISIONED): {@code user.lifecycle.deactivate} logged. */
    public synchronized void deactivate(String userId) {
        get(userId).status("DEPROVISIONED").touched(clock.get());
        logEvent("user.lifecycle.deactivate", userId);
    }

    /** Suspends the user: {@code user.lifecycle.suspend} logged. */
    public synchronized void suspend(String userId) {
        get(userId).status("SUSPENDED").touched(clock.get());
        logEvent("user.lifecycle.suspend", userId);
    }

    /** Deletes a deactivated user: {@code user.lifecycle.delete.initiated} logged. */
    public synchronized void delete(String userId) {
        users.remove(userId);
        logEvent("user.lifecycle.delete.initiated", userId);
    }

    /** Writes an event to the System Log now, naming these users as its targets. */
    public synchronized LogEvent logEvent(String eventType, String... targetUserIds) {
        int n = ++nextEvent;
        LogEvent event = new LogEvent(String.format("%08x-0000-4000-8000-%012d", n, n), clock.get(), eventType,
                List.of(targetUserIds));
        log.add(event);
        for (String id : targetUserIds) {
            FakeOktaUser user = users.get(id);
            if (user != null && eventType.startsWith("user.lifecycle.")) {
                user.touched(clock.get());
            }
        }
        return event;
    }

    /**
     * Answers the next {@code times} requests matching {@code when} with {@code reply} instead of the real answer;
     * {@code times < 0} for every one. Scripts are tried in the order given; scripted answers carry rate-limit headers too.
     */
    public FakeOkta script(Predicate<Request> when, int times, Function<Request, Reply> reply) {
        scripts.add(new Script(when, new AtomicInteger(times), reply));
        return this;
    }

    /** Like {@link #script(Predicate, int, Function)} with a fixed answer. */
    public FakeOkta script(Predicate<Request> when, int times, Reply reply) {
        return script(when, times, r -> reply);
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many requests of these kinds arrived. */
    public long count(Kind... kinds) {
        Set<Kind> wanted = Set.of(kinds);
        return requests.stream().filter(r -> wanted.contains(r.kind())).count();
    }

    /** API requests (everything but the token endpoint). */
    public long apiRequests() {
        return requests.stream().filter(r -> r.kind() != Kind.TOKEN).count();
    }

    /** The user ids whose factors were read, in order. */
    public List<String> factorReads() {
        return requests.stream().filter(r -> r.kind() == Kind.FACTORS).map(Request::userId).toList();
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
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean counted = true;
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = parseForm(exchange.getRequestURI().getRawQuery());
            String authorization = Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Authorization"), "");
            Request request = new Request(kindOf(exchange.getRequestMethod(), path), exchange.getRequestMethod(), path,
                    query, authorization, body);
            requests.add(request);
            hook.accept(request);
            Bucket bucket = Bucket.of(request.kind());
            long[] rate = count(bucket);
            Reply reply;
            if (rate[1] < 0) {
                throttled.incrementAndGet();
                reply = Reply.error(429, "E0000047", "API call exceeded rate limit due to too many requests.");
            } else {
                reply = scripted(request).orElseGet(() -> answer(request, exchange.getRequestHeaders().getFirst("Content-Type")));
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            inFlight.decrementAndGet();
            counted = false;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Rate-Limit-Limit", Long.toString(rate[0]));
            exchange.getResponseHeaders().set("X-Rate-Limit-Remaining", Long.toString(Math.max(0, rate[1])));
            exchange.getResponseHeaders().set("X-Rate-Limit-Reset", Long.toString(rate[2]));
            reply.headers().forEach((name, value) -> {
                if (name.equalsIgnoreCase("Link")) {
                    // One Link header per relation, as Okta sends them.
                    Arrays.stream(value.split("\n")).forEach(v -> exchange.getResponseHeaders().add("Link", v));
                } else {
                    exchange.getResponseHeaders().set(name, value);
                }
            });
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (RuntimeException | Error e) {
            // A bug of the fake must show, not leave the client waiting for an answer that never comes.
            e.printStackTrace();
            throw e;
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    /** Counts a request in its bucket's minute: {limit, remaining after it (negative: over), reset epoch second}. */
    private synchronized long[] count(Bucket bucket) {
        long now = clock.get().getEpochSecond();
        long windowStart = now - Math.floorMod(now, 60);
        Counter counter = counters.get(bucket);
        if (counter.windowStart != windowStart) {
            counter.windowStart = windowStart;
            counter.used = 0;
        }
        int limit = limits.get(bucket);
        counter.used++;
        return new long[] {limit, limit - counter.used, windowStart + 60};
    }

    private static Kind kindOf(String method, String path) {
        if (method.equals("POST") && path.equals("/oauth2/v1/token")) {
            return Kind.TOKEN;
        } else if (path.equals("/api/v1/users")) {
            return Kind.USERS;
        } else if (path.matches("/api/v1/users/[^/]+/factors")) {
            return Kind.FACTORS;
        } else if (path.matches("/api/v1/users/[^/]+")) {
            return Kind.USER;
        } else if (path.equals("/api/v1/logs")) {
            return Kind.LOGS;
        } else if (path.equals("/api/v1/iam/assignees/users")) {
            return Kind.ROLES;
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

    private Reply answer(Request request, String contentType) {
        if (request.kind() == Kind.TOKEN) {
            return token(request, contentType);
        }
        Optional<Set<String>> scopes = authenticate(request.authorization());
        if (scopes.isEmpty()) {
            return Reply.error(401, "E0000011", "Invalid token provided");
        }
        if (!request.method().equals("GET")) {
            return Reply.error(405, "E0000022", "The endpoint does not support the provided HTTP method");
        }
        String needed = switch (request.kind()) {
            case LOGS -> LOGS_READ;
            case ROLES -> ROLES_READ;
            default -> USERS_READ;
        };
        if (!scopes.get().contains(needed)) {
            Reply denied = Reply.error(403, "E0000006", "You do not have permission to perform the requested action");
            return request.authorization().startsWith("Bearer ") ? new Reply(403, Map.of("WWW-Authenticate",
                    "Bearer authorization_uri=\"" + tokenUri() + "\", realm=\"" + url() + "\", scope=\"" + needed
                            + "\", error=\"insufficient_scope\", error_description=\"The access token provided does not "
                            + "contain the required scopes.\", resource=\"" + request.path() + "\""), denied.body()) : denied;
        }
        return switch (request.kind()) {
            case USERS -> listUsers(request);
            case USER -> getUser(request);
            case FACTORS -> factors(request);
            case LOGS -> logs(request);
            case ROLES -> roles(request);
            default -> Reply.error(404, "E0000022", "The endpoint does not support the provided HTTP method");
        };
    }

    /** The scopes a credential carries; empty when it is not valid. */
    private Optional<Set<String>> authenticate(String authorization) {
        if (apiToken != null && authorization.equals("SSWS " + apiToken)) {
            Set<String> all = new HashSet<>(Set.of(USERS_READ, LOGS_READ));
            if (apiTokenMayReadRoles) {
                all.add(ROLES_READ);
            }
            return Optional.of(all);
        }
        if (authorization.startsWith("Bearer ")) {
            String token = authorization.substring(7);
            Set<String> scopes = accessTokens.get(token);
            Instant expires = tokenExpiry.get(token);
            if (scopes != null && expires != null && clock.get().isBefore(expires)) {
                return Optional.of(scopes);
            }
        }
        return Optional.empty();
    }

    private synchronized Reply listUsers(Request request) {
        int limit = limit(request.param("limit"), 200, 200);
        String expression = !request.param("search").isEmpty() ? request.param("search") : request.param("filter");
        Predicate<FakeOktaUser> wanted;
        if (expression.isEmpty()) {
            wanted = u -> !u.status().equals("DEPROVISIONED");
        } else {
            Optional<Predicate<FakeOktaUser>> parsed = parseUserExpression(expression);
            if (parsed.isEmpty()) {
                return Reply.error(400, "E0000031", "Invalid search criteria.");
            }
            wanted = parsed.get();
        }
        List<FakeOktaUser> matching = users.values().stream().filter(wanted).toList();
        int start = 0;
        if (!request.param("after").isEmpty()) {
            start = -1;
            for (int i = 0; i < matching.size(); i++) {
                if (matching.get(i).id().equals(request.param("after"))) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                return Reply.error(400, "E0000001", "Api validation failed: after");
            }
        }
        int end = Math.min(matching.size(), start + limit);
        ArrayNode page = JSON.createArrayNode();
        for (int i = start; i < end; i++) {
            page.add(userJson(matching.get(i)));
        }
        Map<String, String> base = new LinkedHashMap<>();
        base.put("limit", Integer.toString(limit));
        if (!request.param("search").isEmpty()) {
            base.put("search", request.param("search"));
        } else if (!request.param("filter").isEmpty()) {
            base.put("filter", request.param("filter"));
        }
        String self = link("/api/v1/users", request.query()) + "; rel=\"self\"";
        String links = self;
        if (end < matching.size()) {
            Map<String, String> next = new LinkedHashMap<>(base);
            next.put("after", matching.get(end - 1).id());
            links += "\n" + link("/api/v1/users", next) + "; rel=\"next\"";
        }
        return new Reply(200, Map.of("Link", links), page.toString());
    }

    private Optional<Predicate<FakeOktaUser>> parseUserExpression(String expression) {
        Pattern clause = Pattern.compile("\\s*(status|lastUpdated)\\s+(eq|gt|ge|lt)\\s+\"([^\"]*)\"\\s*");
        String[] ors = expression.split("(?i)\\s+or\\s+");
        List<Predicate<FakeOktaUser>> alternatives = new ArrayList<>();
        for (String or : ors) {
            Predicate<FakeOktaUser> all = u -> true;
            for (String and : or.split("(?i)\\s+and\\s+")) {
                Matcher m = clause.matcher(and);
                if (!m.matches()) {
                    return Optional.empty();
                }
                String field = m.group(1);
                String op = m.group(2);
                String value = m.group(3);
                Predicate<FakeOktaUser> one;
                if (field.equals("status")) {
                    if (!op.equals("eq")) {
                        return Optional.empty();
                    }
                    one = u -> u.status().equals(value);
                } else {
                    if (!value.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z")) {
                        return Optional.empty();
                    }
                    Instant at = Instant.parse(value);
                    one = switch (op) {
                        case "gt" -> u -> u.lastUpdated().truncatedTo(ChronoUnit.MILLIS).isAfter(at);
                        case "ge" -> u -> !u.lastUpdated().truncatedTo(ChronoUnit.MILLIS).isBefore(at);
                        case "lt" -> u -> u.lastUpdated().truncatedTo(ChronoUnit.MILLIS).isBefore(at);
                        default -> u -> u.lastUpdated().truncatedTo(ChronoUnit.MILLIS).equals(at);
                    };
                }
                all = all.and(one);
            }
            alternatives.add(all);
        }
        return Optional.of(u -> alternatives.stream().anyMatch(p -> p.test(u)));
    }

    private synchronized Reply getUser(Request request) {
        FakeOktaUser user = users.get(request.userId());
        if (user == null) {
            return Reply.error(404, "E0000007", "Not found: Resource not found: " + request.userId() + " (User)");
        }
        return new Reply(200, Map.of(), userJson(user).toString());
    }

    private synchronized Reply factors(Request request) {
        FakeOktaUser user = users.get(request.userId());
        if (user == null) {
            return Reply.error(404, "E0000007", "Not found: Resource not found: " + request.userId() + " (User)");
        }
        ArrayNode list = JSON.createArrayNode();
        for (FakeOktaUser.Factor factor : user.factors()) {
            ObjectNode node = list.addObject();
            node.put("id", factor.id());
            node.put("factorType", factor.factorType());
            node.put("provider", factor.provider());
            node.put("vendorName", factor.provider());
            node.put("status", factor.status());
            node.put("created", millis(factor.created()));
            node.put("lastUpdated", millis(factor.created()));
            ObjectNode profile = node.putObject("profile");
            switch (factor.factorType()) {
                case "sms", "call" -> profile.put("phoneNumber", "+1-555-415-1337");
                case "email" -> profile.put("email", user.login());
                case "question" -> profile.put("question", "disliked_food").put("questionText", "What is the food you least liked as a child?");
                case "push" -> profile.put("credentialId", user.login()).put("deviceType", "SmartPhone_IPhone")
                        .put("name", "iPhone").put("platform", "IOS").put("version", "17.2");
                default -> profile.put("credentialId", user.login());
            }
            ObjectNode links = node.putObject("_links");
            links.putObject("self").put("href", url() + "/api/v1/users/" + user.id() + "/factors/" + factor.id());
            links.putObject("user").put("href", url() + "/api/v1/users/" + user.id());
        }
        return new Reply(200, Map.of(), list.toString());
    }

    private synchronized Reply logs(Request request) {
        Instant now = clock.get();
        Instant until;
        Instant since;
        try {
            until = request.param("until").isEmpty() ? now : Instant.parse(request.param("until"));
            since = request.param("since").isEmpty() ? until.minus(Duration.ofDays(7)) : Instant.parse(request.param("since"));
        } catch (RuntimeException e) {
            return Reply.error(400, "E0000030", "Bad request. Invalid date format.");
        }
        if (since.isBefore(now.minus(OLDEST_SINCE))) {
            return Reply.error(400, "E0000053", "Invalid date. The 'since' date must be within the last 180 days.");
        }
        Optional<Predicate<LogEvent>> filter = parseLogFilter(request.param("filter"));
        if (filter.isEmpty()) {
            return Reply.error(400, "E0000031", "Invalid filter expression.");
        }
        int limit = limit(request.param("limit"), 100, 1000);
        Instant oldest = now.minus(RETENTION);
        Instant visibleUntil = now.minus(logLag);
        Instant lower = since.isBefore(oldest) ? oldest : since;
        List<LogEvent> matching = log.stream()
                .filter(e -> !e.published().isBefore(lower) && e.published().isBefore(until))
                .filter(e -> !e.published().isAfter(visibleUntil))
                .filter(filter.get())
                .collect(Collectors.toCollection(ArrayList::new));
        if (request.param("sortOrder").equalsIgnoreCase("DESCENDING")) {
            java.util.Collections.reverse(matching);
        }
        int start = 0;
        if (!request.param("after").isEmpty()) {
            start = -1;
            for (int i = 0; i < matching.size(); i++) {
                if (matching.get(i).uuid().equals(request.param("after"))) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                start = matching.size();
            }
        }
        int end = Math.min(matching.size(), start + limit);
        ArrayNode page = JSON.createArrayNode();
        for (int i = start; i < end; i++) {
            page.add(eventJson(matching.get(i)));
        }
        String links = link("/api/v1/logs", request.query()) + "; rel=\"self\"";
        boolean polling = request.param("until").isEmpty();
        if (end < matching.size() || polling) {
            Map<String, String> next = new LinkedHashMap<>(request.query());
            next.remove("after");
            if (end > 0) {
                next.put("after", matching.get(end - 1).uuid());
            } else if (!request.param("after").isEmpty()) {
                next.put("after", request.param("after"));
            }
            links += "\n" + link("/api/v1/logs", next) + "; rel=\"next\"";
        }
        return new Reply(200, Map.of("Link", links), page.toString());
    }

    private static Optional<Predicate<LogEvent>> parseLogFilter(String filter) {
        if (filter.isBlank()) {
            return Optional.of(e -> true);
        }
        Pattern clause = Pattern.compile("\\s*\\(?\\s*eventType\\s+eq\\s+\"([a-z0-9_.]+)\"\\s*\\)?\\s*");
        Set<String> types = new LinkedHashSet<>();
        for (String part : filter.split("(?i)\\s+or\\s+")) {
            Matcher m = clause.matcher(part);
            if (!m.matches()) {
                return Optional.empty();
            }
            types.add(m.group(1));
        }
        return Optional.of(e -> types.contains(e.eventType()));
    }

    private synchronized Reply roles(Request request) {
        int limit = limit(request.param("limit"), 100, 100);
        List<FakeOktaUser> admins = users.values().stream().filter(FakeOktaUser::admin).toList();
        int start = 0;
        if (!request.param("after").isEmpty()) {
            start = admins.size();
            for (int i = 0; i < admins.size(); i++) {
                if (admins.get(i).id().equals(request.param("after"))) {
                    start = i + 1;
                }
            }
        }
        int end = Math.min(admins.size(), start + limit);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode value = root.putArray("value");
        for (int i = start; i < end; i++) {
            FakeOktaUser admin = admins.get(i);
            ObjectNode node = value.addObject();
            node.put("id", admin.id());
            node.put("orn", "orn:okta:directory:00o1fakeorg:users:" + admin.id());
            ObjectNode links = node.putObject("_links");
            links.putObject("self").put("href", url() + "/api/v1/users/" + admin.id());
            links.putObject("roles").put("href", url() + "/api/v1/users/" + admin.id() + "/roles");
        }
        ObjectNode links = root.putObject("_links");
        if (end < admins.size()) {
            links.putObject("next").put("href", url() + "/api/v1/iam/assignees/users?after="
                    + admins.get(end - 1).id() + "&limit=" + limit);
        }
        return new Reply(200, Map.of(), root.toString());
    }

    private Reply token(Request request, String contentType) {
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return oauthError(400, "invalid_request", "The request must be application/x-www-form-urlencoded.");
        }
        Map<String, String> form = parseForm(request.body());
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
        }
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))
                || !form.containsKey("client_assertion")) {
            return oauthError(401, "invalid_client", "Client authentication failed. Either the client or the client "
                    + "credentials are invalid.");
        }
        String assertion = form.get("client_assertion");
        assertions.add(assertion);
        Optional<String> problem = verifyAssertion(assertion);
        if (problem.isPresent()) {
            return oauthError(401, "invalid_client", problem.get());
        }
        Set<String> asked = new LinkedHashSet<>(Arrays.asList(form.getOrDefault("scope", "").trim().split("\\s+")));
        asked.remove("");
        if (asked.isEmpty()) {
            return oauthError(400, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
        }
        List<String> refused = asked.stream().filter(s -> !grantedScopes.contains(s)).toList();
        if (!refused.isEmpty()) {
            return oauthError(400, "invalid_scope", "The following scopes are not allowed: " + String.join(", ", refused));
        }
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        String token = "eyJraWQiOiJmYWtlIiwiYWxnIjoiUlMyNTYifQ." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        accessTokens.put(token, Set.copyOf(asked));
        tokenExpiry.put(token, clock.get().plus(Duration.ofHours(1)));
        issuedTokens.add(token);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("token_type", "Bearer");
        answer.put("expires_in", 3600);
        answer.put("access_token", token);
        answer.put("scope", String.join(" ", asked));
        return new Reply(200, Map.of(), answer.toString());
    }

    private Optional<String> verifyAssertion(String jwt) {
        if (publicKey == null || clientId == null) {
            return Optional.of("Client authentication failed. No service app is registered.");
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return Optional.of("The client_assertion is not a valid JWT.");
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return Optional.of("The client_assertion token has an unsupported signing algorithm.");
            }
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(publicKey);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return Optional.of("The client_assertion signature is invalid.");
            }
            if (!tokenUri().toString().equals(claims.path("aud").asText())) {
                return Optional.of("The audience [aud] claim in the client_assertion is invalid.");
            }
            if (!clientId.equals(claims.path("iss").asText()) || !clientId.equals(claims.path("sub").asText())) {
                return Optional.of("The issuer [iss] and subject [sub] claims in the client_assertion must be the client_id.");
            }
            long now = clock.get().getEpochSecond();
            long exp = claims.path("exp").asLong(0);
            long iat = claims.path("iat").asLong(now);
            if (exp <= now) {
                return Optional.of("The client_assertion token is expired.");
            }
            if (exp - iat > 3600) {
                return Optional.of("The client_assertion token has an expiration too far into the future.");
            }
            String jti = claims.path("jti").asText("");
            if (jti.isEmpty()) {
                return Optional.of("The client_assertion token must contain a jti claim.");
            }
            if (!usedJtis.add(jti)) {
                return Optional.of("The client_assertion token has already been used.");
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return Optional.of("The client_assertion is not a valid JWT.");
        }
    }

    private static Reply oauthError(int status, String error, String description) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("error", error);
        answer.put("error_description", description);
        return new Reply(status, Map.of(), answer.toString());
    }

    private ObjectNode userJson(FakeOktaUser user) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", user.id());
        node.put("status", user.status());
        node.put("created", millis(user.created()));
        node.put("activated", millis(user.created()));
        node.put("statusChanged", millis(user.lastUpdated()));
        node.putNull("lastLogin");
        node.put("lastUpdated", millis(user.lastUpdated()));
        node.put("passwordChanged", millis(user.created()));
        node.putObject("type").put("id", "oty1fakeusertype0000");
        ObjectNode profile = node.putObject("profile");
        String local = user.login().contains("@") ? user.login().substring(0, user.login().indexOf('@')) : user.login();
        profile.put("firstName", local);
        profile.put("lastName", "Example");
        profile.putNull("mobilePhone");
        profile.putNull("secondEmail");
        profile.put("login", user.login());
        profile.put("email", user.login());
        ObjectNode credentials = node.putObject("credentials");
        credentials.putObject("password");
        credentials.putObject("provider").put("type", "OKTA").put("name", "OKTA");
        node.putObject("_links").putObject("self").put("href", url() + "/api/v1/users/" + user.id());
        return node;
    }

    private ObjectNode eventJson(LogEvent event) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode actor = node.putObject("actor");
        actor.put("id", "00u1fakeadmin000000");
        actor.put("type", "User");
        actor.put("alternateId", "admin@acme.example");
        actor.put("displayName", "Acme Admin");
        actor.putNull("detailEntry");
        ObjectNode client = node.putObject("client");
        client.putObject("userAgent").put("rawUserAgent", "Mozilla/5.0").put("os", "Mac OS X").put("browser", "CHROME");
        client.put("zone", "null");
        client.put("device", "Computer");
        client.put("ipAddress", "198.51.100.7");
        node.putObject("authenticationContext").put("authenticationStep", 0).put("externalSessionId", "102fakeSession");
        node.put("displayMessage", event.eventType());
        node.put("eventType", event.eventType());
        node.putObject("outcome").put("result", "SUCCESS").putNull("reason");
        node.put("published", millis(event.published()));
        node.putObject("securityContext");
        node.put("severity", "INFO");
        node.putObject("debugContext").putObject("debugData").put("requestUri", "/api/v1/users");
        node.putNull("legacyEventType");
        node.putObject("transaction").put("type", "WEB").put("id", "Yfake" + event.uuid().substring(0, 8));
        node.put("uuid", event.uuid());
        node.put("version", "0");
        node.putObject("request").putArray("ipChain");
        ArrayNode targets = node.putArray("target");
        for (String id : event.targetUserIds()) {
            FakeOktaUser user;
            synchronized (this) {
                user = users.get(id);
            }
            ObjectNode target = targets.addObject();
            target.put("id", id);
            target.put("type", "User");
            target.put("alternateId", user == null ? "unknown" : user.login());
            target.put("displayName", user == null ? "unknown" : user.login());
            target.putNull("detailEntry");
        }
        return node;
    }

    private String link(String path, Map<String, String> query) {
        String q = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("&"));
        return "<" + url() + path + (q.isEmpty() ? "" : "?" + q) + ">";
    }

    private static int limit(String value, int fallback, int max) {
        try {
            int n = value.isEmpty() ? fallback : Integer.parseInt(value);
            return Math.max(1, Math.min(n, max));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** An instant as Okta writes it: UTC, milliseconds. */
    public static String millis(Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
                .withZone(java.time.ZoneOffset.UTC).format(instant);
    }

    private static Map<String, String> parseForm(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(key, value);
        }
        return values;
    }
}
