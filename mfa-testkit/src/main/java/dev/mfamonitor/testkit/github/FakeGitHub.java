package dev.mfamonitor.testkit.github;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A GitHub REST API on loopback for tests and benchmarks: one organisation, its members and outside collaborators,
 * served in GitHub's documented JSON with real {@code Link} pagination headers.
 *
 * <p>Serves {@code GET /orgs/{org}}, {@code /orgs/{org}/members} ({@code filter=all|2fa_disabled|2fa_insecure},
 * {@code role=all|admin|member}), {@code /orgs/{org}/outside_collaborators} ({@code filter}), {@code
 * /orgs/{org}/memberships/{username}}, {@code /orgs/{org}/members/{username}} and {@code /user}; {@code per_page} is
 * capped at 100 as on GitHub. A token that is not an owner's gets GitHub's 422 "Only owners can use this filter." for
 * the 2FA filters and a {@code null} {@code two_factor_requirement_enabled}. Failures, rate limits and latency are
 * scripted with {@link #script}; every request is counted.
 *
 * <p>GitHub App: after {@link #app}, serves {@code GET /orgs/{org}/installation} and {@code POST
 * /app/installations/{id}/access_tokens} to a request whose {@code Authorization: Bearer JWT} is a valid RS256 JWT of
 * that App (signature checked against the App's public key, {@code iss} = the App id, {@code iat} not in the future and
 * {@code exp} in the future, both with GitHub's 60 s allowance for clock drift, {@code exp} at most ten minutes ahead);
 * anything else gets 401. The installation tokens it issues are then accepted on the org endpoints like an owner's token;
 * the JWT itself is not.
 *
 * <p>Simplification: a non-owner sees every member with {@code filter=all} (GitHub would show only public members).
 */
public final class FakeGitHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCS = "https://docs.github.com/rest/orgs/members#list-organization-members";

    /** A user's two-factor state as GitHub's filters see it. */
    public enum TwoFactor {
        /** Second factor with a secure method. */
        ENABLED,
        /** No second factor: listed by {@code filter=2fa_disabled}. */
        DISABLED,
        /** Second factor by an insecure method (SMS): listed by {@code filter=2fa_insecure}. */
        INSECURE
    }

    /** One incoming request, for scripting and for assertions. */
    public record Request(String method, String path, Map<String, String> query) {
        /** The {@code page} parameter, 1 when absent. */
        public int page() {
            return Integer.parseInt(query.getOrDefault("page", "1"));
        }

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

    /**
     * A scripted answer. In its body, {@link #AUTHORIZATION} stands for the request's {@code Authorization} header, so
     * that a test can play a server (or proxy) that quotes the credential back in its error.
     */
    public record Reply(int status, Map<String, String> headers, String body) {
        /** Replaced by the request's {@code Authorization} header in a scripted body. */
        public static final String AUTHORIZATION = "{{authorization}}";

        /** An error whose message quotes the request's {@code Authorization} header. */
        public static Reply echoingAuthorization(int status) {
            return error(status, "bad header: Authorization: " + AUTHORIZATION);
        }

        /** An error with GitHub's {@code {"message": ...}} body. */
        public static Reply error(int status, String message) {
            return new Reply(status, Map.of(), messageBody(message));
        }

        /** The primary rate limit: {@code x-ratelimit-remaining: 0} until {@code reset}. Status 403 or 429. */
        public static Reply primaryRateLimit(int status, Instant reset) {
            return new Reply(status, Map.of("x-ratelimit-limit", "5000", "x-ratelimit-remaining", "0",
                    "x-ratelimit-used", "5000", "x-ratelimit-reset", Long.toString(reset.getEpochSecond()),
                    "x-ratelimit-resource", "core"),
                    messageBody("API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID."));
        }

        /** A secondary rate limit, with {@code retry-after} when {@code retryAfterSeconds} is given. Status 403 or 429. */
        public static Reply secondaryRateLimit(int status, Optional<Integer> retryAfterSeconds) {
            Map<String, String> headers = retryAfterSeconds.map(s -> Map.of("retry-after", Integer.toString(s))).orElse(Map.of());
            return new Reply(status, headers,
                    messageBody("You have exceeded a secondary rate limit. Please wait a few minutes before you try again."));
        }
    }

    private record User(long id, String login, TwoFactor twoFactor, boolean admin, boolean outside) {
    }

    private record App(long appId, PublicKey publicKey, long installationId, boolean installedOnOrg) {
    }

    private record Script(Predicate<Request> when, AtomicInteger remaining, Reply reply) {
    }

    private final String org;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<Long, User> users = Collections.synchronizedMap(new TreeMap<>());
    private final Map<String, Boolean> tokens = new LinkedHashMap<>();
    private final List<Script> scripts = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Boolean requirement = Boolean.TRUE;
    private volatile boolean insecureFilterKnown = true;
    private volatile boolean insecureFilterIgnored;
    private final Map<Long, String> roles = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Duration latency = Duration.ZERO;
    private volatile App app;
    private volatile String nextInstallationToken;
    private final List<String> installationTokens = new CopyOnWriteArrayList<>();
    private final AtomicInteger verifiedJwts = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    private FakeGitHub(String org) throws IOException {
        this.org = org;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Several threads, so that a client making concurrent requests would be seen doing so.
        this.executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake serving organisation {@code org} on 127.0.0.1 and a free port. */
    public static FakeGitHub start(String org) throws IOException {
        return new FakeGitHub(org);
    }

    /** The API root, as {@code endpoint:} in configuration. */
    public String endpoint() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Accepts {@code token}; {@code owner} says whether its user owns the organisation. */
    public FakeGitHub token(String token, boolean owner) {
        synchronized (tokens) {
            tokens.put(token, owner);
        }
        return this;
    }

    /**
     * Registers a GitHub App installed on the organisation as installation {@code installationId}; JWTs are checked
     * against {@code publicKey}.
     */
    public FakeGitHub app(long appId, PublicKey publicKey, long installationId) {
        this.app = new App(appId, Objects.requireNonNull(publicKey), installationId, true);
        return this;
    }

    /** Whether the App is installed on the organisation ({@code GET /orgs/{org}/installation} answers 404 if not). */
    public FakeGitHub appInstalledOnOrg(boolean installed) {
        App current = Objects.requireNonNull(app, "call app(...) first");
        this.app = new App(current.appId(), current.publicKey(), current.installationId(), installed);
        return this;
    }

    /** Issues {@code token} as the next installation token instead of a random one (a canary for leak tests). */
    public FakeGitHub nextInstallationToken(String token) {
        this.nextInstallationToken = Objects.requireNonNull(token);
        return this;
    }

    /** The installation tokens issued so far, in order. */
    public List<String> installationTokens() {
        return List.copyOf(installationTokens);
    }

    /** How many App JWTs passed verification. */
    public int verifiedJwts() {
        return verifiedJwts.get();
    }

    /** Adds (or replaces) a member. */
    public FakeGitHub member(long id, String login, TwoFactor twoFactor, boolean admin) {
        users.put(id, new User(id, login, twoFactor, admin, false));
        return this;
    }

    /** Adds (or replaces) an outside collaborator. */
    public FakeGitHub outsideCollaborator(long id, String login, TwoFactor twoFactor) {
        users.put(id, new User(id, login, twoFactor, false, true));
        return this;
    }

    /** Changes a user's two-factor state. */
    public FakeGitHub twoFactor(long id, TwoFactor twoFactor) {
        users.computeIfPresent(id, (k, u) -> new User(u.id(), u.login(), twoFactor, u.admin(), u.outside()));
        return this;
    }

    /** Renames a user; the id stays. */
    public FakeGitHub rename(long id, String login) {
        users.computeIfPresent(id, (k, u) -> new User(u.id(), login, u.twoFactor(), u.admin(), u.outside()));
        return this;
    }

    /** Removes a user from the organisation. */
    public FakeGitHub remove(long id) {
        users.remove(id);
        return this;
    }

    /** {@code two_factor_requirement_enabled} as owners see it; {@code null} to serve null to everyone. */
    public FakeGitHub requirement(Boolean enabled) {
        this.requirement = enabled;
        return this;
    }

    /** Whether {@code filter=2fa_insecure} is known (older GitHub Enterprise Server answers 422 Validation Failed). */
    public FakeGitHub insecureFilterKnown(boolean known) {
        this.insecureFilterKnown = known;
        return this;
    }

    /**
     * Whether {@code filter=2fa_insecure} is ignored: the server answers it with every member (or outside
     * collaborator), as one that does not know the filter but does not refuse it would.
     */
    public FakeGitHub insecureFilterIgnored(boolean ignored) {
        this.insecureFilterIgnored = ignored;
        return this;
    }

    /**
     * The role {@code GET /orgs/{org}/memberships/{login}} gives a member, as GitHub writes it: {@code admin},
     * {@code member}, {@code billing_manager}, or one GitHub may add. Listings by role still go by owner or not.
     */
    public FakeGitHub role(long id, String role) {
        roles.put(id, Objects.requireNonNull(role));
        return this;
    }

    /** A delay before every answer. */
    public FakeGitHub latency(Duration delay) {
        this.latency = Objects.requireNonNull(delay);
        return this;
    }

    /**
     * Answers the next {@code times} requests matching {@code when} with {@code reply} instead of the real answer;
     * {@code times < 0} for every one. Scripts are tried in the order given.
     */
    public FakeGitHub script(Predicate<Request> when, int times, Reply reply) {
        scripts.add(new Script(when, new AtomicInteger(times), reply));
        return this;
    }

    /** How many requests arrived, scripted ones included. */
    public int requestCount() {
        return requests.size();
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Forgets the requests seen so far (not the scripts). */
    public void resetRequests() {
        requests.clear();
        maxInFlight.set(0);
    }

    /** The most requests that were ever being answered at the same time. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Request request;
            Reply reply;
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        parseQuery(exchange.getRequestURI().getRawQuery()));
                requests.add(request);
                if (!latency.isZero()) {
                    Thread.sleep(latency.toMillis());
                }
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                reply = scripted(request)
                        .map(r -> new Reply(r.status(), r.headers(), r.body().replace(Reply.AUTHORIZATION, String.valueOf(authorization))))
                        .orElseGet(() -> answer(request, authorization));
            } finally {
                // Done before the answer goes out: a client that has it may send its next request at once, and this
                // thread may not run again before that request arrives (two "in flight" where the client made one).
                inFlight.decrementAndGet();
            }
            send(exchange, request, reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<Reply> scripted(Request request) {
        for (Script script : scripts) {
            if (script.when().test(request)) {
                int left = script.remaining().getAndUpdate(n -> n > 0 ? n - 1 : n);
                if (left != 0) {
                    return Optional.of(script.reply());
                }
            }
        }
        return Optional.empty();
    }

    private Reply answer(Request request, String authorization) {
        String base = "/orgs/" + org;
        if (request.path().startsWith("/app/") || request.path().equals("/app") || request.path().equals(base + "/installation")) {
            return appAnswer(request, authorization);
        }
        Boolean owner = ownerOf(authorization);
        if (owner == null) {
            return Reply.error(401, "Bad credentials");
        }
        if (!request.method().equals("GET")) {
            return Reply.error(404, "Not Found");
        }
        String path = request.path();
        if (path.equals("/user")) {
            return json(200, userJson(new User(1, "token-user", TwoFactor.ENABLED, owner, false)));
        }
        if (path.equals(base)) {
            return json(200, orgJson(owner));
        }
        if (path.equals(base + "/members")) {
            return list(request, owner, false);
        }
        if (path.equals(base + "/outside_collaborators")) {
            return list(request, owner, true);
        }
        if (path.startsWith(base + "/memberships/")) {
            Optional<User> user = byLogin(path.substring((base + "/memberships/").length()));
            if (user.isEmpty()) {
                return Reply.error(404, "Not Found");
            }
            ObjectNode membership = JSON.createObjectNode();
            membership.put("url", "https://api.github.com/orgs/" + org + "/memberships/" + user.get().login());
            membership.put("state", "active");
            membership.put("role", roles.getOrDefault(user.get().id(), user.get().admin() ? "admin" : "member"));
            membership.put("organization_url", "https://api.github.com/orgs/" + org);
            membership.set("organization", orgSummary());
            membership.set("user", userJson(user.get()));
            return json(200, membership);
        }
        if (path.startsWith(base + "/members/")) {
            return byLogin(path.substring((base + "/members/").length())).isPresent()
                    ? new Reply(204, Map.of(), "") : Reply.error(404, "Not Found");
        }
        return Reply.error(404, "Not Found");
    }

    private Reply appAnswer(Request request, String authorization) {
        App current = app;
        if (current == null) {
            return Reply.error(401, "A JSON web token could not be decoded");
        }
        Optional<String> problem = verifyJwt(current, authorization);
        if (problem.isPresent()) {
            return Reply.error(401, problem.get());
        }
        verifiedJwts.incrementAndGet();
        String path = request.path();
        if (request.method().equals("GET") && path.equals("/orgs/" + org + "/installation")) {
            return current.installedOnOrg() ? json(200, installationJson(current)) : Reply.error(404, "Not Found");
        }
        if (request.method().equals("POST") && path.equals("/app/installations/" + current.installationId() + "/access_tokens")) {
            byte[] bytes = new byte[27];
            random.nextBytes(bytes);
            String fixed = nextInstallationToken;
            nextInstallationToken = null;
            String token = fixed != null ? fixed : "ghs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', 'x').replace('_', 'y');
            installationTokens.add(token);
            token(token, true);
            ObjectNode body = JSON.createObjectNode();
            body.put("token", token);
            body.put("expires_at", Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            ObjectNode permissions = body.putObject("permissions");
            permissions.put("members", "read");
            permissions.put("organization_administration", "read");
            body.put("repository_selection", "selected");
            return json(201, body);
        }
        return Reply.error(404, "Not Found");
    }

    /** Empty when {@code authorization} carries a valid JWT of {@code app}; otherwise GitHub's complaint. */
    private static Optional<String> verifyJwt(App app, String authorization) {
        String undecodable = "A JSON web token could not be decoded";
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Optional.of(undecodable);
        }
        String[] parts = authorization.substring("Bearer ".length()).trim().split("\\.", -1);
        if (parts.length != 3) {
            return Optional.of(undecodable);
        }
        try {
            Base64.Decoder decoder = Base64.getUrlDecoder();
            JsonNode header = JSON.readTree(decoder.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return Optional.of(undecodable);
            }
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(app.publicKey());
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(decoder.decode(parts[2]))) {
                return Optional.of(undecodable);
            }
            JsonNode claims = JSON.readTree(decoder.decode(parts[1]));
            if (!claims.path("iss").asText().equals(Long.toString(app.appId()))) {
                return Optional.of("Integration not found");
            }
            long now = Instant.now().getEpochSecond();
            if (!claims.path("iat").canConvertToLong() || claims.path("iat").asLong() > now + 60) {
                return Optional.of("'Issued at' claim ('iat') must be an Integer representing a time in the past");
            }
            if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() <= now - 60) {
                return Optional.of("'Expiration time' claim ('exp') must be a numeric value representing the future time at "
                        + "which the assertion expires");
            }
            if (claims.path("exp").asLong() > now + 600 + 60) {
                return Optional.of("'Expiration time' claim ('exp') is too far in the future");
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return Optional.of(undecodable);
        }
    }

    private ObjectNode installationJson(App app) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", app.installationId());
        node.set("account", orgSummary());
        node.put("access_tokens_url", "https://api.github.com/app/installations/" + app.installationId() + "/access_tokens");
        node.put("repositories_url", "https://api.github.com/installation/repositories");
        node.put("html_url", "https://github.com/organizations/" + org + "/settings/installations/" + app.installationId());
        node.put("app_id", app.appId());
        node.put("app_slug", "mfa-monitor");
        node.put("target_id", 9919);
        node.put("target_type", "Organization");
        ObjectNode permissions = node.putObject("permissions");
        permissions.put("members", "read");
        permissions.put("organization_administration", "read");
        node.putArray("events");
        node.put("created_at", "2026-01-01T00:00:00Z");
        node.put("updated_at", "2026-01-01T00:00:00Z");
        node.putNull("single_file_name");
        node.put("repository_selection", "selected");
        return node;
    }

    private Optional<User> byLogin(String login) {
        synchronized (users) {
            return users.values().stream().filter(u -> !u.outside() && u.login().equalsIgnoreCase(login)).findFirst();
        }
    }

    private Boolean ownerOf(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        String token = space < 0 ? value : value.substring(space + 1).trim();
        synchronized (tokens) {
            return tokens.get(token);
        }
    }

    private Reply list(Request request, boolean owner, boolean outside) {
        String filter = request.query().getOrDefault("filter", "all");
        String role = request.query().getOrDefault("role", "all");
        boolean twoFactorFilter = filter.equals("2fa_disabled") || (filter.equals("2fa_insecure") && insecureFilterKnown);
        if (!filter.equals("all") && !twoFactorFilter || !List.of("all", "admin", "member").contains(role)) {
            ObjectNode body = JSON.createObjectNode();
            body.put("message", "Validation Failed");
            ObjectNode error = body.putArray("errors").addObject();
            error.put("resource", outside ? "OutsideCollaborator" : "Member");
            error.put("field", filter.equals("all") ? "role" : "filter");
            error.put("code", "invalid");
            body.put("documentation_url", DOCS);
            body.put("status", "422");
            return json(422, body);
        }
        if (twoFactorFilter && !owner) {
            return new Reply(422, Map.of(), "{\"message\":\"Only owners can use this filter.\",\"documentation_url\":\""
                    + DOCS + "\",\"status\":\"422\"}");
        }
        List<User> matching;
        synchronized (users) {
            matching = users.values().stream()
                    .filter(u -> u.outside() == outside)
                    .filter(u -> switch (filter) {
                        case "2fa_disabled" -> u.twoFactor() == TwoFactor.DISABLED;
                        case "2fa_insecure" -> insecureFilterIgnored || u.twoFactor() == TwoFactor.INSECURE;
                        default -> true;
                    })
                    .filter(u -> role.equals("all") || u.admin() == role.equals("admin"))
                    .toList();
        }
        int perPage = Math.max(1, Math.min(100, Integer.parseInt(request.query().getOrDefault("per_page", "30"))));
        int page = Math.max(1, request.page());
        int pages = Math.max(1, (matching.size() + perPage - 1) / perPage);
        ArrayNode body = JSON.createArrayNode();
        matching.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(u -> body.add(userJson(u)));
        Map<String, String> headers = new LinkedHashMap<>();
        if (pages > 1) {
            List<String> links = new ArrayList<>();
            if (page < pages) {
                links.add("<" + pageUrl(request, page + 1) + ">; rel=\"next\"");
                links.add("<" + pageUrl(request, pages) + ">; rel=\"last\"");
            }
            if (page > 1) {
                links.add("<" + pageUrl(request, 1) + ">; rel=\"first\"");
                links.add("<" + pageUrl(request, page - 1) + ">; rel=\"prev\"");
            }
            headers.put("Link", String.join(", ", links));
        }
        return new Reply(200, headers, body.toString());
    }

    private String pageUrl(Request request, int page) {
        Map<String, String> query = new LinkedHashMap<>(request.query());
        query.put("page", Integer.toString(page));
        return endpoint() + request.path() + "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    }

    private ObjectNode userJson(User u) {
        String api = "https://api.github.com/users/" + u.login();
        ObjectNode node = JSON.createObjectNode();
        node.put("login", u.login());
        node.put("id", u.id());
        node.put("node_id", "MDQ6VXNlcj" + u.id());
        node.put("avatar_url", "https://avatars.githubusercontent.com/u/" + u.id() + "?v=4");
        node.put("gravatar_id", "");
        node.put("url", api);
        node.put("html_url", "https://github.com/" + u.login());
        node.put("followers_url", api + "/followers");
        node.put("following_url", api + "/following{/other_user}");
        node.put("gists_url", api + "/gists{/gist_id}");
        node.put("starred_url", api + "/starred{/owner}{/repo}");
        node.put("subscriptions_url", api + "/subscriptions");
        node.put("organizations_url", api + "/orgs");
        node.put("repos_url", api + "/repos");
        node.put("events_url", api + "/events{/privacy}");
        node.put("received_events_url", api + "/received_events");
        node.put("type", "User");
        node.put("user_view_type", "public");
        node.put("site_admin", false);
        return node;
    }

    private ObjectNode orgSummary() {
        String api = "https://api.github.com/orgs/" + org;
        ObjectNode node = JSON.createObjectNode();
        node.put("login", org);
        node.put("id", 9919);
        node.put("node_id", "MDEyOk9yZ2FuaXphdGlvbjk5MTk=");
        node.put("url", api);
        node.put("repos_url", api + "/repos");
        node.put("events_url", api + "/events");
        node.put("hooks_url", api + "/hooks");
        node.put("issues_url", api + "/issues");
        node.put("members_url", api + "/members{/member}");
        node.put("public_members_url", api + "/public_members{/member}");
        node.put("avatar_url", "https://avatars.githubusercontent.com/u/9919?v=4");
        node.put("description", "A fake organisation");
        return node;
    }

    private ObjectNode orgJson(boolean owner) {
        ObjectNode node = orgSummary();
        node.put("name", org);
        node.putNull("company");
        node.put("blog", "");
        node.putNull("location");
        node.putNull("email");
        node.putNull("twitter_username");
        node.put("is_verified", false);
        node.put("has_organization_projects", true);
        node.put("has_repository_projects", true);
        node.put("public_repos", 3);
        node.put("public_gists", 0);
        node.put("followers", 0);
        node.put("following", 0);
        node.put("html_url", "https://github.com/" + org);
        node.put("created_at", "2008-05-11T04:37:31Z");
        node.put("updated_at", "2026-01-01T00:00:00Z");
        node.put("archived_at", (String) null);
        node.put("type", "Organization");
        if (owner) {
            node.put("total_private_repos", 10);
            node.put("owned_private_repos", 10);
            node.put("private_gists", 0);
            node.put("disk_usage", 10000);
            node.put("collaborators", 8);
            node.put("billing_email", "billing@example.com");
            node.put("default_repository_permission", "read");
            node.put("members_can_create_repositories", true);
        }
        Boolean required = requirement;
        if (owner && required != null) {
            node.put("two_factor_requirement_enabled", required.booleanValue());
        } else {
            node.putNull("two_factor_requirement_enabled");
        }
        return node;
    }

    private static Reply json(int status, Object node) {
        return new Reply(status, Map.of(), node.toString());
    }

    private static String messageBody(String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("message", message);
        node.put("documentation_url", "https://docs.github.com/rest");
        return node.toString();
    }

    private void send(HttpExchange exchange, Request request, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (!reply.headers().containsKey("x-ratelimit-remaining")) {
            exchange.getResponseHeaders().set("x-ratelimit-limit", "5000");
            exchange.getResponseHeaders().set("x-ratelimit-remaining", Integer.toString(Math.max(1, 5000 - requests.size())));
            exchange.getResponseHeaders().set("x-ratelimit-reset", Long.toString(Instant.now().plusSeconds(3600).getEpochSecond()));
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        if (reply.status() == 204 || body.length == 0) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }
}
