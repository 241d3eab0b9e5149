package dev.mfamonitor.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of the parts of IAM, STS and Organizations that the AWS monitor (and the per-user approach it replaces) uses,
 * on loopback, for the real AWS SDK.
 *
 * <p>IAM and STS speak the Query protocol: a form-encoded {@code POST /} with {@code Action=...&Version=...}, answered
 * with XML in the service's namespace, errors as {@code <ErrorResponse><Error><Type/><Code/><Message/></Error>
 * <RequestId/></ErrorResponse>} with the documented HTTP status. Organizations speaks JSON 1.1: the operation in the
 * {@code X-Amz-Target} header, errors as {@code {"__type": ..., "Message": ...}}. Signatures are not verified, but a
 * request without an {@code Authorization} header is refused as AWS refuses it.
 *
 * <p>Which account a request reads is told by its access key: the base key reads the management account, a key
 * handed out by {@code AssumeRole} reads the account of the role. Every action is counted; a latency can be added to
 * every answer; failures are scripted per account and action ({@link FakeAwsAccount#failNext}).
 */
public final class FakeAwsServer implements AutoCloseable {
    public static final String IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
    public static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]*/[^/]*/([^/]+)/");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, FakeAwsAccount> accounts = new ConcurrentHashMap<>();
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final String managementAccountId;
    private volatile Duration latency = Duration.ZERO;
    private volatile String sessionSecret = "fake-session-secret";
    private volatile String sessionTokenPrefix = "FQoGZXIvYXdzE-token-";
    private volatile boolean organizationDenied;
    private final Map<String, Integer> redirects = new ConcurrentHashMap<>();

    private FakeAwsServer(String managementAccountId) throws IOException {
        this.managementAccountId = managementAccountId;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "fake-aws");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        account(managementAccountId);
    }

    /**
     * Answers every IAM or STS call of {@code action} with a redirect ({@code status} 301, 302, 307 or 308, a
     * {@code Location} on another host and a short HTML body), as a captive portal or a misconfigured proxy would.
     */
    public FakeAwsServer redirect(String action, int status) {
        redirects.put(action, status);
        return this;
    }

    /** Starts a fake whose base credentials belong to account {@code managementAccountId}. */
    public static FakeAwsServer start(String managementAccountId) throws IOException {
        return new FakeAwsServer(managementAccountId);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The account with this id, created empty on first use. */
    public FakeAwsAccount account(String accountId) {
        return accounts.computeIfAbsent(accountId,
                id -> new FakeAwsAccount(id, "account-" + id, Instant.parse("2015-03-01T10:00:00Z")));
    }

    public FakeAwsAccount managementAccount() {
        return account(managementAccountId);
    }

    /** Every answer waits this long first, as a remote service would. */
    public void latency(Duration latency) {
        this.latency = latency;
    }

    /** How every AssumeRole session token handed out from now on starts (a canary for leak tests). */
    public void sessionTokenPrefix(String prefix) {
        this.sessionTokenPrefix = prefix;
    }

    /** The secret access key AssumeRole hands out, so that a test can look for it where it must not be. */
    public void sessionSecret(String secret) {
        this.sessionSecret = secret;
    }

    /** Organizations ListAccounts answers AccessDeniedException. */
    public void denyOrganization() {
        this.organizationDenied = true;
    }

    /** How often {@code action} was called (Query actions by name, Organizations ones as {@code ListAccounts}). */
    public int calls(String action) {
        AtomicInteger count = calls.get(action);
        return count == null ? 0 : count.get();
    }

    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Calls per action, sorted by action. */
    public Map<String, Integer> callCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        calls.forEach((action, count) -> counts.put(action, count.get()));
        return counts;
    }

    public void resetCalls() {
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (target != null) {
                organizations(exchange, target, authorization, body);
            } else {
                query(exchange, authorization, form(body));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- Query protocol (IAM, STS)

    private void query(HttpExchange exchange, String authorization, Map<String, String> params) throws IOException {
        String action = params.getOrDefault("Action", "");
        boolean sts = action.equals("AssumeRole") || action.equals("GetCallerIdentity");
        String ns = sts ? STS_NS : IAM_NS;
        count(action);
        Integer redirect = redirects.get(action);
        if (redirect != null) {
            byte[] html = "<html><body>Moved</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Location", "https://login.example.net/portal?next=iam");
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(redirect, html.length);
            exchange.getResponseBody().write(html);
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            error(exchange, ns, 400, "Sender", "InvalidAction", "Only POST is served here");
            return;
        }
        Optional<String> key = accessKey(authorization);
        if (key.isEmpty()) {
            error(exchange, ns, 403, "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token");
            return;
        }
        String expectedVersion = sts ? "2011-06-15" : "2010-05-08";
        if (!expectedVersion.equals(params.get("Version"))) {
            error(exchange, ns, 400, "Sender", "InvalidParameterValue", "Version must be " + expectedVersion);
            return;
        }
        FakeAwsAccount account = callerAccount(key.get());
        String caller = callerArn(key.get(), account);
        Optional<AwsError> failure = account.takeFailure(action);
        if (failure.isPresent()) {
            AwsError e = failure.get();
            error(exchange, ns, e.status(), e.type(), e.code(), e.message(sts ? "sts" : "iam", action, caller,
                    sts ? params.getOrDefault("RoleArn", "*") : "*"));
            return;
        }
        switch (action) {
            case "GenerateCredentialReport" -> generateCredentialReport(exchange, account);
            case "GetCredentialReport" -> getCredentialReport(exchange, account, caller);
            case "ListVirtualMFADevices" -> listVirtualMfaDevices(exchange, account, params);
            case "ListUsers" -> listUsers(exchange, account, params);
            case "GetLoginProfile" -> getLoginProfile(exchange, account, params);
            case "ListMFADevices" -> listMfaDevices(exchange, account, params);
            case "AssumeRole" -> assumeRole(exchange, caller, params);
            case "GetCallerIdentity" -> ok(exchange, STS_NS, action, "<Arn>" + esc(caller) + "</Arn><UserId>AIDAMONITOR</UserId><Account>"
                    + account.id() + "</Account>");
            default -> error(exchange, ns, 400, "Sender", "InvalidAction", "Could not find operation " + action + " for version " + expectedVersion);
        }
    }

    private void generateCredentialReport(HttpExchange exchange, FakeAwsAccount account) throws IOException {
        String state = account.generate();
        String description = switch (state) {
            case "STARTED" -> "No report exists. Starting a new report generation task";
            case "INPROGRESS" -> "Report generation in progress";
            default -> "Report generation complete";
        };
        ok(exchange, IAM_NS, "GenerateCredentialReport", "<State>" + state + "</State><Description>" + description + "</Description>");
    }

    private void getCredentialReport(HttpExchange exchange, FakeAwsAccount account, String caller) throws IOException {
        Optional<AwsError> problem = account.reportProblem();
        if (problem.isPresent()) {
            AwsError e = problem.get();
            error(exchange, IAM_NS, e.status(), e.type(), e.code(), e.message("iam", "GetCredentialReport", caller, "*"));
            return;
        }
        String content = Base64.getEncoder().encodeToString(account.reportCsv().getBytes(StandardCharsets.UTF_8));
        ok(exchange, IAM_NS, "GetCredentialReport", "<Content>" + content + "</Content><ReportFormat>text/csv</ReportFormat>"
                + "<GeneratedTime>" + account.reportGeneratedAt().truncatedTo(ChronoUnit.SECONDS) + "</GeneratedTime>");
    }

    private void listVirtualMfaDevices(HttpExchange exchange, FakeAwsAccount account, Map<String, String> params) throws IOException {
        String assignment = params.getOrDefault("AssignmentStatus", "Any");
        List<String[]> devices = assignment.equals("Unassigned") ? List.of() : account.virtualDevices();
        Page page = page(devices.size(), params, 100);
        StringBuilder xml = new StringBuilder("<VirtualMFADevices>");
        for (String[] device : devices.subList(page.from, page.to)) {
            xml.append("<member><SerialNumber>").append(esc(device[0])).append("</SerialNumber><User>");
            if (!device[3].isEmpty()) {
                xml.append("<Path>/</Path><UserName>").append(esc(device[3])).append("</UserName>");
            }
            xml.append("<UserId>").append(esc(device[2])).append("</UserId><Arn>").append(esc(device[1]))
                    .append("</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></User>")
                    .append("<EnableDate>2021-06-01T12:00:00Z</EnableDate></member>");
        }
        xml.append("</VirtualMFADevices>").append(page.tail());
        ok(exchange, IAM_NS, "ListVirtualMFADevices", xml.toString());
    }

    private void listUsers(HttpExchange exchange, FakeAwsAccount account, Map<String, String> params) throws IOException {
        List<FakeIamUser> users = account.users();
        Page page = page(users.size(), params, 100);
        StringBuilder xml = new StringBuilder("<Users>");
        for (FakeIamUser user : users.subList(page.from, page.to)) {
            xml.append("<member><Path>/</Path><UserName>").append(esc(user.name())).append("</UserName><UserId>")
                    .append(user.userId()).append("</UserId><Arn>").append(esc(user.arn(account.id()))).append("</Arn><CreateDate>")
                    .append(user.createdAt().truncatedTo(ChronoUnit.SECONDS)).append("</CreateDate>");
            user.passwordLastUsed().ifPresent(t -> xml.append("<PasswordLastUsed>").append(t.truncatedTo(ChronoUnit.SECONDS)).append("</PasswordLastUsed>"));
            xml.append("</member>");
        }
        xml.append("</Users>").append(page.tail());
        ok(exchange, IAM_NS, "ListUsers", xml.toString());
    }

    private void getLoginProfile(HttpExchange exchange, FakeAwsAccount account, Map<String, String> params) throws IOException {
        String name = params.getOrDefault("UserName", "");
        Optional<FakeIamUser> user = account.user(name);
        if (user.isEmpty()) {
            error(exchange, IAM_NS, 404, "Sender", "NoSuchEntity", "The user with name " + name + " cannot be found.");
        } else if (!user.get().consolePassword()) {
            error(exchange, IAM_NS, 404, "Sender", "NoSuchEntity", "Login Profile for User " + name + " cannot be found.");
        } else {
            ok(exchange, IAM_NS, "GetLoginProfile", "<LoginProfile><UserName>" + esc(name) + "</UserName><CreateDate>"
                    + user.get().createdAt().truncatedTo(ChronoUnit.SECONDS) + "</CreateDate><PasswordResetRequired>false"
                    + "</PasswordResetRequired></LoginProfile>");
        }
    }

    private void listMfaDevices(HttpExchange exchange, FakeAwsAccount account, Map<String, String> params) throws IOException {
        String name = params.getOrDefault("UserName", "");
        Optional<FakeIamUser> user = account.user(name);
        if (user.isEmpty()) {
            error(exchange, IAM_NS, 404, "Sender", "NoSuchEntity", "The user with name " + name + " cannot be found.");
            return;
        }
        StringBuilder xml = new StringBuilder("<MFADevices>");
        if (user.get().mfa() != FakeIamUser.Mfa.NONE) {
            String serial = user.get().mfa() == FakeIamUser.Mfa.VIRTUAL ? "arn:aws:iam::" + account.id() + ":mfa/" + name
                    : "GAHT" + Integer.toHexString(Math.abs(name.hashCode())).toUpperCase(java.util.Locale.ROOT);
            xml.append("<member><UserName>").append(esc(name)).append("</UserName><SerialNumber>").append(esc(serial))
                    .append("</SerialNumber><EnableDate>2021-06-01T12:00:00Z</EnableDate></member>");
        }
        xml.append("</MFADevices><IsTruncated>false</IsTruncated>");
        ok(exchange, IAM_NS, "ListMFADevices", xml.toString());
    }

    private void assumeRole(HttpExchange exchange, String caller, Map<String, String> params) throws IOException {
        String roleArn = params.getOrDefault("RoleArn", "");
        String session = params.getOrDefault("RoleSessionName", "");
        String[] parts = roleArn.split(":", 6);
        if (parts.length < 6 || !parts[5].startsWith("role/") || session.isEmpty()) {
            error(exchange, STS_NS, 400, "Sender", "ValidationError", "RoleArn and RoleSessionName are required; got '" + roleArn + "'");
            return;
        }
        FakeAwsAccount target = accounts.get(parts[4]);
        if (target == null || target.assumeRoleDenied()) {
            error(exchange, STS_NS, 403, "Sender", "AccessDenied", AwsError.ACCESS_DENIED.message("sts", "AssumeRole", caller, roleArn));
            return;
        }
        String keyId = "ASIA" + target.id() + "S" + sessionCounter.incrementAndGet();
        sessions.put(keyId, target.id());
        String roleName = parts[5].substring("role/".length());
        ok(exchange, STS_NS, "AssumeRole", "<AssumedRoleUser><Arn>arn:aws:sts::" + target.id() + ":assumed-role/" + esc(roleName)
                + "/" + esc(session) + "</Arn><AssumedRoleId>AROAEXAMPLE:" + esc(session) + "</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><AccessKeyId>" + keyId + "</AccessKeyId><SecretAccessKey>" + esc(sessionSecret)
                + "</SecretAccessKey><SessionToken>" + esc(sessionTokenPrefix) + keyId + "</SessionToken><Expiration>"
                + Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS) + "</Expiration></Credentials>");
    }

    // ---------------------------------------------------------------- JSON 1.1 (Organizations)

    private void organizations(HttpExchange exchange, String target, String authorization, String body) throws IOException {
        String action = target.substring(target.indexOf('.') + 1);
        count(action);
        if (accessKey(authorization).isEmpty()) {
            jsonError(exchange, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
            return;
        }
        if (!target.equals("AWSOrganizationsV20161128.ListAccounts")) {
            jsonError(exchange, 400, "UnknownOperationException", "Unknown operation " + target);
            return;
        }
        FakeAwsAccount caller = callerAccount(accessKey(authorization).get());
        Optional<AwsError> failure = caller.takeFailure("ListAccounts");
        if (organizationDenied || failure.filter(f -> f == AwsError.ACCESS_DENIED).isPresent()) {
            jsonError(exchange, 400, "AccessDeniedException", "You don't have permissions to access this resource.");
            return;
        }
        if (failure.isPresent()) {
            jsonError(exchange, failure.get() == AwsError.THROTTLING ? 400 : 500,
                    failure.get() == AwsError.THROTTLING ? "TooManyRequestsException" : "ServiceException", failure.get().code());
            return;
        }
        JsonNode request = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        List<FakeAwsAccount> all = new ArrayList<>(new TreeMap<>(accounts).values());
        int max = request.path("MaxResults").asInt(20);
        int from = request.hasNonNull("NextToken") ? Integer.parseInt(request.get("NextToken").asText().substring(1)) : 0;
        int to = Math.min(all.size(), from + max);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Accounts");
        for (FakeAwsAccount account : all.subList(from, to)) {
            ObjectNode node = list.addObject();
            node.put("Id", account.id());
            node.put("Arn", "arn:aws:organizations::" + managementAccountId + ":account/o-example/" + account.id());
            node.put("Email", account.name() + "@example.com");
            node.put("Name", account.name());
            node.put("Status", "ACTIVE");
            node.put("JoinedMethod", account.id().equals(managementAccountId) ? "CREATED" : "INVITED");
            node.put("JoinedTimestamp", 1.4251788E9);
        }
        if (to < all.size()) {
            response.put("NextToken", "n" + to);
        }
        send(exchange, 200, "application/x-amz-json-1.1", JSON.writeValueAsBytes(response));
    }

    private void jsonError(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.put("__type", type);
        error.put("Message", message);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        send(exchange, status, "application/x-amz-json-1.1", JSON.writeValueAsBytes(error));
    }

    // ---------------------------------------------------------------- plumbing

    private FakeAwsAccount callerAccount(String accessKey) {
        String accountId = sessions.get(accessKey);
        return account(accountId == null ? managementAccountId : accountId);
    }

    private String callerArn(String accessKey, FakeAwsAccount account) {
        return sessions.containsKey(accessKey) ? "arn:aws:sts::" + account.id() + ":assumed-role/MfaMonitorReadOnly/mfa-monitor"
                : "arn:aws:iam::" + account.id() + ":user/mfa-monitor";
    }

    private static Optional<String> accessKey(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        Matcher m = CREDENTIAL.matcher(authorization);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private void count(String action) {
        calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
    }

    private record Page(int from, int to, int size) {
        String tail() {
            return to < size ? "<IsTruncated>true</IsTruncated><Marker>m" + to + "</Marker>" : "<IsTruncated>false</IsTruncated>";
        }
    }

    private static Page page(int size, Map<String, String> params, int defaultMax) {
        int max = Math.min(1000, Integer.parseInt(params.getOrDefault("MaxItems", String.valueOf(defaultMax))));
        String marker = params.get("Marker");
        int from = marker == null ? 0 : Integer.parseInt(marker.substring(1));
        return new Page(from, Math.min(size, from + max), size);
    }

    private static void ok(HttpExchange exchange, String ns, String action, String result) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + ns + "\"><" + action + "Result>"
                + result + "</" + action + "Result><ResponseMetadata><RequestId>" + UUID.randomUUID()
                + "</RequestId></ResponseMetadata></" + action + "Response>";
        send(exchange, 200, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpExchange exchange, String ns, int status, String type, String code, String message) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + ns + "\"><Error><Type>" + type
                + "</Type><Code>" + code + "</Code><Message>" + esc(message) + "</Message></Error><RequestId>"
                + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        send(exchange, status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
