package dev.mfamonitor.testkit.google;

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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Google's token endpoint and the Admin SDK Directory API's {@code users.list} and {@code users.get} on loopback, for
 * tests and benchmarks: one Workspace customer, its users, and one service account with domain-wide delegation.
 *
 * <p>The token endpoint ({@code POST /token}, the {@code token_uri} of {@link #serviceAccountKeyJson()}) takes the
 * JWT-bearer grant and checks it as Google does: an RS256 signature by the service account's key (the key pair is made
 * when the first fake of the JVM starts; no private key is ever stored in the repository), {@code iss} = the service account, {@code aud} =
 * {@code https://oauth2.googleapis.com/token}, {@code scope} = the read-only users scope, {@code iat} not in the future
 * and {@code exp} after now and at most an hour after {@code iat}, {@code sub} = an existing user. It answers Google's
 * documented bodies: {@code 401 unauthorized_client} when delegation (or the scope) is not granted, {@code 400
 * invalid_grant} for a bad signature, a bad audience or time, an unknown {@code sub}.
 *
 * <p>The Directory API ({@code GET /admin/directory/v1/users?customer=&maxResults=&pageToken=&fields=} and
 * {@code GET /admin/directory/v1/users/{userKey}}) serves the documented JSON (kind, etag, users, nextPageToken;
 * {@code maxResults} defaults to 100 and may be at most 500; {@code fields=} is honoured for the user fields), and
 * Google's error bodies: 401 for a missing or expired token, 403 "Not Authorized to access this resource/api" for a
 * token without {@code sub}, an admin who may not read users or another customer, 404 for an unknown user. Scripts:
 * {@link #listSaysNotEnrolled} (the known list/get disagreement), {@link #failNextList} (quota answers),
 * {@link #failPage} (a page that keeps failing), {@link #echoCredentials} (errors that echo the credential back).
 */
public final class FakeGoogleWorkspace implements AutoCloseable {
    /** The one scope the monitor needs. */
    public static final String SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly";
    /** The audience Google's token endpoint expects. */
    public static final String AUDIENCE = "https://oauth2.googleapis.com/token";
    /** The customer ID of the fake's customer ({@code my_customer} names it too). */
    public static final String CUSTOMER_ID = "C03az79cb";
    private static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final String USERS_PATH = "/admin/directory/v1/users";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final PublicKey publicKey;
    private final String privateKeyPem;
    private final String clientEmail = "mfa-monitor@acme-workspace.iam.gserviceaccount.com";
    private final String clientId = "113025868937281907434";
    private final String privateKeyId = "4f1a6c0e9d2b7a8c3e5f0b1d2c4a6e8f0a1b3c5d";
    private final SecureRandom random = new SecureRandom();

    private final List<FakeGoogleUser> users = new ArrayList<>();
    private final Map<String, FakeGoogleUser> byId = new HashMap<>();
    private final Map<String, Issued> tokens = new HashMap<>();
    private final Set<String> listSaysNotEnrolled = new HashSet<>();
    private final Deque<Failure> nextListFailures = new ArrayDeque<>();
    private final Map<Integer, Failure> failingPages = new HashMap<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> tokenRefusals = new CopyOnWriteArrayList<>();
    private final List<String> assertions = new CopyOnWriteArrayList<>();

    private volatile Supplier<Instant> clock = Instant::now;
    private volatile String adminEmail = "mfa-reader@acme.example";
    private volatile boolean delegationGranted = true;
    private volatile boolean adminCanReadUsers = true;
    private volatile boolean echoCredentials;
    private volatile String redirectTo;
    private volatile long latencyMillis;
    private int tokenRequests;
    private int listRequests;
    private int getRequests;

    /** One key pair per JVM, made when the first fake starts: a 2048-bit key takes a good part of a second. */
    private static final class KeyHolder {
        static final KeyPair PAIR = generate();

        private static KeyPair generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK cannot make an RSA key pair", e);
            }
        }
    }

    private record Issued(String subject, Instant expires) {
    }

    private record Failure(int status, String reason, String message) {
    }

    static {
        // The JDK server's small answers otherwise meet Nagle's algorithm and delayed ACKs: about 40 ms each on Linux.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private FakeGoogleWorkspace() throws IOException {
        KeyPair pair = KeyHolder.PAIR;
        publicKey = pair.getPublic();
        privateKeyPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "fake-google-workspace");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake with no users on a free loopback port (the service account's key pair is made with the JVM's first fake). */
    public static FakeGoogleWorkspace start() {
        try {
            return new FakeGoogleWorkspace();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Google Workspace", e);
        }
    }

    // ---------------------------------------------------------------- set-up

    /** The Directory API's origin, {@code http://127.0.0.1:PORT}: the monitor's {@code endpoint}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The token endpoint, the key's {@code token_uri}. */
    public URI tokenUri() {
        return URI.create(endpoint() + "/token");
    }

    /**
     * The service account's JSON key as Google hands it out, with {@code token_uri} pointing at this fake. It holds the
     * private key: treat it as a secret in tests, as in production.
     */
    public String serviceAccountKeyJson() {
        ObjectNode key = JSON.createObjectNode()
                .put("type", "service_account")
                .put("project_id", "acme-workspace")
                .put("private_key_id", privateKeyId)
                .put("private_key", privateKeyPem)
                .put("client_email", clientEmail)
                .put("client_id", clientId)
                .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
                .put("token_uri", tokenUri().toString())
                .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
                .put("client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/mfa-monitor%40acme-workspace.iam.gserviceaccount.com")
                .put("universe_domain", "googleapis.com");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PEM private key inside the key, for canary tests. */
    public String privateKeyPem() {
        return privateKeyPem;
    }

    /** The service account's email, the JWT's {@code iss}. */
    public String clientEmail() {
        return clientEmail;
    }

    /** The service account's numeric Unique ID, what domain-wide delegation is granted to. */
    public String clientId() {
        return clientId;
    }

    /** The admin the service account may act as (the JWT's {@code sub}); a user of that email is added. */
    public String adminEmail() {
        return adminEmail;
    }

    /** The wall clock the fake checks {@code iat} and {@code exp} against; a test's own clock. */
    public FakeGoogleWorkspace clock(Supplier<Instant> now) {
        this.clock = Objects.requireNonNull(now, "now");
        return this;
    }

    /** Adds {@code count} active users, enrolled in and enforced for 2-Step Verification. */
    public synchronized FakeGoogleWorkspace users(int count) {
        int start = users.size();
        for (int i = start + 1; i <= start + count; i++) {
            add(new FakeGoogleUser(String.format("1%020d", i), String.format("user%06d@acme.example", i)));
        }
        return this;
    }

    /** Adds one user (enrolled, enforced, active) and returns it for changing. */
    public synchronized FakeGoogleUser addUser(String id, String primaryEmail) {
        FakeGoogleUser user = new FakeGoogleUser(id, primaryEmail);
        add(user);
        return user;
    }

    private void add(FakeGoogleUser user) {
        if (byId.putIfAbsent(user.id(), user) != null) {
            throw new IllegalArgumentException("user id " + user.id() + " is used twice");
        }
        users.add(user);
    }

    /** The user of that id. */
    public synchronized FakeGoogleUser user(String id) {
        FakeGoogleUser user = byId.get(id);
        if (user == null) {
            throw new IllegalArgumentException("no user " + id);
        }
        return user;
    }

    /** The user at a position (0 for the first), in list order. */
    public synchronized FakeGoogleUser userAt(int index) {
        return users.get(index);
    }

    /** Removes a user. */
    public synchronized void remove(String id) {
        users.remove(user(id));
        byId.remove(id);
    }

    /** Whether domain-wide delegation is granted to the service account for the scope; true unless set. */
    public FakeGoogleWorkspace delegationGranted(boolean granted) {
        this.delegationGranted = granted;
        return this;
    }

    /** Whether the admin's role has Users > Read; true unless set. */
    public FakeGoogleWorkspace adminCanReadUsers(boolean canRead) {
        this.adminCanReadUsers = canRead;
        return this;
    }

    /** The admin the service account acts as; the token endpoint refuses other subjects. */
    public FakeGoogleWorkspace adminEmail(String email) {
        this.adminEmail = email;
        return this;
    }

    /**
     * The known disagreement: users.list says this user is not enrolled in 2-Step Verification while users.get
     * gives the user's true state.
     */
    public synchronized FakeGoogleWorkspace listSaysNotEnrolled(String userId) {
        user(userId);
        listSaysNotEnrolled.add(userId);
        return this;
    }

    /**
     * The next {@code times} users.list requests (any page) fail with Google's quota answer of that reason:
     * {@code userRateLimitExceeded} or {@code quotaExceeded} (403), {@code rateLimitExceeded} (429).
     */
    public synchronized FakeGoogleWorkspace failNextList(int times, String reason) {
        Failure failure = switch (reason) {
            case "userRateLimitExceeded" -> new Failure(403, reason, "User Rate Limit Exceeded");
            case "quotaExceeded" -> new Failure(403, reason, "Quota exceeded for quota metric 'Queries' and limit "
                    + "'Queries per minute per user' of service 'admin.googleapis.com' for consumer 'project_number:480219'.");
            case "rateLimitExceeded" -> new Failure(429, reason, "Rate Limit Exceeded");
            case "backendError" -> new Failure(503, reason, "The service is currently unavailable.");
            default -> throw new IllegalArgumentException("no scripted failure '" + reason + "'");
        };
        for (int i = 0; i < times; i++) {
            nextListFailures.add(failure);
        }
        return this;
    }

    /** Page {@code page} (1 for the first) of users.list fails with a 500 backendError from now on. */
    public synchronized FakeGoogleWorkspace failPage(int page) {
        failingPages.put(page, new Failure(500, "backendError", "Backend Error"));
        return this;
    }

    /** Every access token issued so far stops working (revoked, or expired early): the API answers 401 to it. */
    public synchronized FakeGoogleWorkspace revokeTokens() {
        tokens.replaceAll((token, issued) -> new Issued(issued.subject(), Instant.MIN));
        return this;
    }

    /** Each answer comes this much later, as over a real network; for benchmarks (tests replace time instead). */
    public FakeGoogleWorkspace latency(java.time.Duration latency) {
        this.latencyMillis = latency.toMillis();
        return this;
    }

    /** Every Directory API answer is a redirect to {@code location} (a proxy's login page, say). */
    public FakeGoogleWorkspace redirectTo(String location) {
        this.redirectTo = location;
        return this;
    }

    /**
     * Error answers echo the credential they were sent: the token endpoint's the assertion, the Directory API's the
     * {@code Authorization} header. For canary tests: a monitor must not pass them on.
     */
    public FakeGoogleWorkspace echoCredentials(boolean echo) {
        this.echoCredentials = echo;
        return this;
    }

    // ---------------------------------------------------------------- for assertions

    /** How many grants were posted to the token endpoint. */
    public synchronized int tokenRequests() {
        return tokenRequests;
    }

    /** How many users.list requests came. */
    public synchronized int listRequests() {
        return listRequests;
    }

    /** How many users.get requests came. */
    public synchronized int getRequests() {
        return getRequests;
    }

    /** Every request: method, path and query (never a header). */
    public List<String> requests() {
        return List.copyOf(log);
    }

    /** Why the token endpoint refused grants, in order ("signature", "audience", "time", "subject", "delegation"). */
    public List<String> tokenRefusals() {
        return List.copyOf(tokenRefusals);
    }

    /** The assertions posted to the token endpoint, for canary tests. */
    public List<String> assertions() {
        return List.copyOf(assertions);
    }

    /** The access tokens issued so far, for canary tests. */
    public synchronized List<String> issuedTokens() {
        return List.copyOf(tokens.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- serving

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            log.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            if (latencyMillis > 0) {
                try {
                    Thread.sleep(latencyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (path.equals("/token") && exchange.getRequestMethod().equals("POST")) {
                token(exchange);
            } else if (path.equals(USERS_PATH) && exchange.getRequestMethod().equals("GET")) {
                directory(exchange, null);
            } else if (path.startsWith(USERS_PATH + "/") && exchange.getRequestMethod().equals("GET")) {
                directory(exchange, URLDecoder.decode(path.substring(USERS_PATH.length() + 1), StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, googleError(404, "notFound", "Not Found", null));
            }
        } catch (RuntimeException e) {
            // A bug of the fake: answer 500 so that the test sees it, rather than a reset connection.
            send(exchange, 500, googleError(500, "backendError", "fake failed: " + e, null));
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = parseQuery(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        synchronized (this) {
            tokenRequests++;
        }
        String assertion = form.getOrDefault("assertion", "");
        assertions.add(assertion);
        if (!GRANT_TYPE.equals(form.get("grant_type"))) {
            refuse(exchange, 400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"), "grant_type", assertion);
            return;
        }
        String[] parts = assertion.split("\\.", -1);
        JsonNode header;
        JsonNode claims;
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException("not three parts");
            }
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            refuse(exchange, 400, "invalid_grant", "Invalid JWT: it could not be decoded.", "malformed", assertion);
            return;
        }
        if (!"RS256".equals(header.path("alg").asText()) || !verifies(parts)) {
            refuse(exchange, 400, "invalid_grant", "Invalid JWT Signature.", "signature", assertion);
            return;
        }
        if (!clientEmail.equals(claims.path("iss").asText())) {
            refuse(exchange, 400, "invalid_grant", "Invalid JWT Signature.", "issuer", assertion);
            return;
        }
        if (!AUDIENCE.equals(claims.path("aud").asText())) {
            refuse(exchange, 400, "invalid_grant", "Invalid JWT: Failed audience check. The expected audience is " + AUDIENCE + ".",
                    "audience", assertion);
            return;
        }
        long now = clock.get().getEpochSecond();
        long iat = claims.path("iat").asLong(Long.MIN_VALUE);
        long exp = claims.path("exp").asLong(Long.MIN_VALUE);
        if (iat == Long.MIN_VALUE || exp == Long.MIN_VALUE || iat > now + 60 || exp <= now || exp - iat > 3600) {
            refuse(exchange, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                    + "reasonable timeframe. Check your iat and exp values in the JWT claim.", "time", assertion);
            return;
        }
        String subject = claims.path("sub").asText("");
        if (!subject.isEmpty() && !subject.equalsIgnoreCase(adminEmail) && !knownEmail(subject)) {
            refuse(exchange, 400, "invalid_grant", "Invalid email or User ID", "subject", assertion);
            return;
        }
        List<String> scopes = List.of(claims.path("scope").asText("").split(" "));
        if (!subject.isEmpty() && (!delegationGranted || !scopes.equals(List.of(SCOPE)))) {
            refuse(exchange, 401, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this "
                    + "method, or client not authorized for any of the scopes requested.", "delegation", assertion);
            return;
        }
        byte[] raw = new byte[48];
        random.nextBytes(raw);
        String token = "ya29.c." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        synchronized (this) {
            tokens.put(token, new Issued(subject, clock.get().plusSeconds(3599)));
        }
        ObjectNode body = JSON.createObjectNode().put("access_token", token).put("expires_in", 3599).put("token_type", "Bearer");
        send(exchange, 200, body);
    }

    private boolean verifies(String[] parts) {
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(publicKey);
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return rs256.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private synchronized boolean knownEmail(String email) {
        return users.stream().anyMatch(u -> u.primaryEmail().equalsIgnoreCase(email));
    }

    private void refuse(HttpExchange exchange, int status, String error, String description, String why, String assertion)
            throws IOException {
        tokenRefusals.add(why);
        ObjectNode body = JSON.createObjectNode().put("error", error)
                .put("error_description", echoCredentials ? description + " (assertion " + assertion + ")" : description);
        send(exchange, status, body);
    }

    private void directory(HttpExchange exchange, String userKey) throws IOException {
        Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
        synchronized (this) {
            if (userKey == null) {
                listRequests++;
            } else {
                getRequests++;
            }
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String echo = echoCredentials ? " (you sent Authorization: " + authorization + ")" : "";
        if (redirectTo != null) {
            exchange.getResponseHeaders().set("Location", redirectTo);
            send(exchange, 302, JSON.createObjectNode());
            return;
        }
        Issued issued;
        synchronized (this) {
            issued = authorization != null && authorization.startsWith("Bearer ")
                    ? tokens.get(authorization.substring("Bearer ".length())) : null;
        }
        if (issued == null || !issued.expires().isAfter(clock.get())) {
            send(exchange, 401, googleError(401, "authError", "Request had invalid authentication credentials. Expected "
                    + "OAuth 2 access token, login cookie or other valid authentication credential." + echo, "UNAUTHENTICATED"));
            return;
        }
        String customer = query.getOrDefault("customer", "");
        boolean otherCustomer = userKey == null && !customer.equals("my_customer") && !customer.equals(CUSTOMER_ID);
        boolean reader = issued.subject().equalsIgnoreCase(adminEmail) && adminCanReadUsers;
        if (!reader || otherCustomer) {
            send(exchange, 403, googleError(403, "forbidden", "Not Authorized to access this resource/api" + echo, null));
            return;
        }
        if (userKey == null) {
            list(exchange, query, echo);
        } else {
            get(exchange, userKey, query);
        }
    }

    private void list(HttpExchange exchange, Map<String, String> query, String echo) throws IOException {
        int maxResults;
        try {
            maxResults = Integer.parseInt(query.getOrDefault("maxResults", "100"));
        } catch (NumberFormatException e) {
            maxResults = -1;
        }
        if (maxResults < 1 || maxResults > 500) {
            send(exchange, 400, googleError(400, "invalid", "Invalid Input: maxResults", null));
            return;
        }
        int offset = 0;
        String pageToken = query.get("pageToken");
        if (pageToken != null && !pageToken.isEmpty()) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
                offset = Integer.parseInt(decoded.substring(0, decoded.indexOf(':')));
            } catch (RuntimeException e) {
                send(exchange, 400, googleError(400, "badRequest", "Invalid Input: pageToken", null));
                return;
            }
        }
        int page = offset / maxResults + 1;
        Failure failure;
        synchronized (this) {
            failure = failingPages.containsKey(page) ? failingPages.get(page) : nextListFailures.poll();
        }
        if (failure != null) {
            send(exchange, failure.status(), googleError(failure.status(), failure.reason(), failure.message() + echo,
                    failure.status() == 429 ? "RESOURCE_EXHAUSTED" : null));
            return;
        }
        Fields fields = Fields.parse(query.get("fields"));
        ObjectNode body = JSON.createObjectNode();
        if (fields.top("kind")) {
            body.put("kind", "admin#directory#users");
        }
        if (fields.top("etag")) {
            body.put("etag", "\"Ra3C1mGWLLk0x8t1KTeCEQ/" + page + "\"");
        }
        List<FakeGoogleUser> slice;
        int total;
        synchronized (this) {
            total = users.size();
            slice = List.copyOf(users.subList(Math.min(offset, total), Math.min(offset + maxResults, total)));
        }
        if (!slice.isEmpty() && fields.top("users")) {
            ArrayNode array = body.putArray("users");
            for (FakeGoogleUser user : slice) {
                boolean lie;
                synchronized (this) {
                    lie = listSaysNotEnrolled.contains(user.id());
                }
                array.add(userJson(user, fields.sub("users"), lie));
            }
        }
        if (offset + maxResults < total && fields.top("nextPageToken")) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ((offset + maxResults) + ":" + Long.toHexString(random.nextLong())).getBytes(StandardCharsets.UTF_8));
            body.put("nextPageToken", token);
        }
        send(exchange, 200, body);
    }

    private void get(HttpExchange exchange, String userKey, Map<String, String> query) throws IOException {
        FakeGoogleUser user;
        synchronized (this) {
            user = byId.get(userKey);
            if (user == null) {
                user = users.stream().filter(u -> u.primaryEmail().equalsIgnoreCase(userKey)).findFirst().orElse(null);
            }
        }
        if (user == null) {
            send(exchange, 404, googleError(404, "notFound", "Resource Not Found: userKey", null));
            return;
        }
        send(exchange, 200, userJson(user, Fields.parse(query.get("fields")).asUser(), false));
    }

    private ObjectNode userJson(FakeGoogleUser user, Set<String> only, boolean sayNotEnrolled) {
        ObjectNode all = JSON.createObjectNode();
        synchronized (user) {
            all.put("kind", "admin#directory#user");
            all.put("id", user.id());
            all.put("etag", "\"Ra3C1mGWLLk0x8t1KTeCEQ/u" + user.id().hashCode() + "\"");
            all.put("primaryEmail", user.primaryEmail());
            String local = user.primaryEmail().substring(0, user.primaryEmail().indexOf('@'));
            all.putObject("name").put("givenName", local).put("familyName", "Acme").put("fullName", local + " Acme");
            all.put("isAdmin", user.admin());
            all.put("isDelegatedAdmin", user.delegatedAdmin());
            all.put("lastLoginTime", "2026-11-30T09:12:44.000Z");
            all.put("creationTime", "2024-01-15T10:00:00.000Z");
            all.put("agreedToTerms", true);
            all.put("suspended", user.suspended());
            if (user.suspended()) {
                all.put("suspensionReason", "ADMIN");
            }
            all.put("archived", user.archived());
            all.put("changePasswordAtNextLogin", false);
            all.put("ipWhitelisted", false);
            all.putArray("emails").addObject().put("address", user.primaryEmail()).put("primary", true);
            all.put("customerId", CUSTOMER_ID);
            all.put("orgUnitPath", user.orgUnitPath());
            all.put("isMailboxSetup", true);
            all.put("isEnrolledIn2Sv", !sayNotEnrolled && user.enrolled());
            all.put("isEnforcedIn2Sv", user.enforced());
            all.put("includeInGlobalAddressList", true);
        }
        if (only == null) {
            return all;
        }
        ObjectNode trimmed = JSON.createObjectNode();
        all.fields().forEachRemaining(e -> {
            if (only.contains(e.getKey())) {
                trimmed.set(e.getKey(), e.getValue());
            }
        });
        return trimmed;
    }

    /** Google's error body: {@code {"error":{"code":..,"message":..,"errors":[{"message","domain","reason"}],"status"}}}. */
    private static ObjectNode googleError(int code, String reason, String message, String status) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.putArray("errors").addObject().put("message", message)
                .put("domain", reason.endsWith("Exceeded") ? "usageLimits" : "global").put("reason", reason);
        if (status != null) {
            error.put("status", status);
        }
        return body;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(name, value);
        }
        return query;
    }

    /** A {@code fields=} selector such as {@code nextPageToken,users(id,primaryEmail)}; absent selects everything. */
    private static final class Fields {
        private final Map<String, Set<String>> selected;

        private Fields(Map<String, Set<String>> selected) {
            this.selected = selected;
        }

        static Fields parse(String text) {
            if (text == null || text.isBlank()) {
                return new Fields(null);
            }
            Map<String, Set<String>> selected = new LinkedHashMap<>();
            int depth = 0;
            StringBuilder name = new StringBuilder();
            StringBuilder inner = new StringBuilder();
            for (char c : (text + ",").toCharArray()) {
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    Set<String> sub = inner.length() == 0 ? null : new HashSet<>(List.of(inner.toString().split(",")));
                    if (name.length() > 0) {
                        selected.put(name.toString().strip(), sub);
                    }
                    name.setLength(0);
                    inner.setLength(0);
                } else if (depth > 0) {
                    inner.append(c);
                } else {
                    name.append(c);
                }
            }
            return new Fields(selected);
        }

        boolean top(String field) {
            return selected == null || selected.containsKey(field);
        }

        Set<String> sub(String field) {
            return selected == null ? null : selected.get(field);
        }

        /** The selector of a users.get: its top-level names are user fields. */
        Set<String> asUser() {
            return selected == null ? null : selected.keySet();
        }
    }
}
