package dev.mfamonitor.testkit.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Slack on loopback for tests: an incoming webhook and the Web API's {@code chat.postMessage} (and
 * {@code auth.test}), answering with Slack's wire formats, so that the real Slack client can be tested against it.
 *
 * <ul>
 * <li>Incoming webhook ({@link #webhookUrl()}): a JSON body; success is 200 with the body {@code ok}; errors are an
 *     HTTP status with the error code as the body ({@code 404 no_service}, {@code 403 invalid_token},
 *     {@code 410 channel_is_archived}, {@code 400 invalid_blocks}, ...). A POST to another webhook path is
 *     {@code 404 no_service}.</li>
 * <li>{@code chat.postMessage} under {@link #apiUrl()}: a form (or JSON) body with the token as
 *     {@code Authorization: Bearer}; answers 200 {@code {"ok":true,...}} or 200 {@code {"ok":false,"error":"..."}}
 *     ({@code invalid_auth} for another token, {@code channel_not_found} for another channel), and 429
 *     {@code ratelimited} with {@code Retry-After}.</li>
 * <li>Like Slack, it refuses a message with more than {@value #MAX_BLOCKS} blocks, a section text over
 *     {@value #MAX_SECTION_CHARS} characters or a header over {@value #MAX_HEADER_CHARS} ({@code invalid_blocks}), and
 *     one with neither text nor blocks ({@code no_text}).</li>
 * </ul>
 *
 * <p>Script failures with {@link #enqueue} (the next requests, in order) or {@link #answerEveryRequestWith} (until
 * {@link #answerNormally()}). Read what arrived with {@link #requests()} (every request) and {@link #messages()} /
 * {@link #receivedTexts()} (only the messages Slack accepted, that is, that a channel would show).
 */
public final class FakeSlack implements AutoCloseable {
    public static final int MAX_BLOCKS = 50;
    public static final int MAX_SECTION_CHARS = 3_000;
    public static final int MAX_HEADER_CHARS = 150;
    /** The most characters of text all blocks of a message may carry together, as Slack staff describe the limit. */
    public static final int MAX_TOTAL_TEXT_CHARS = 12_000;

    /** The HTTP status of each incoming-webhook error code, as Slack answers them. */
    private static final Map<String, Integer> WEBHOOK_STATUS = Map.ofEntries(
            Map.entry("invalid_payload", 400), Map.entry("invalid_blocks", 400), Map.entry("no_text", 400),
            Map.entry("too_many_attachments", 400), Map.entry("invalid_token", 403), Map.entry("action_prohibited", 403),
            Map.entry("posting_to_general_channel_denied", 403), Map.entry("no_service", 404),
            Map.entry("channel_not_found", 404), Map.entry("no_team", 404), Map.entry("channel_is_archived", 410),
            Map.entry("team_disabled", 410), Map.entry("rollup_error", 500),
            Map.entry("msg_blocks_too_long", 400));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String webhookPath;
    private final String botToken;
    private final String channel;
    private final Object lock = new Object();
    private final Deque<Reply> queued = new ArrayDeque<>();
    private Reply standing;
    private final List<Request> requests = new ArrayList<>();
    private final List<JsonNode> messages = new ArrayList<>();

    private FakeSlack(String webhookSecret, String botToken, String channel) throws IOException {
        this.webhookPath = "/services/T0FAKE001/B0FAKE001/" + webhookSecret;
        this.botToken = botToken;
        this.channel = channel;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // A thread per request, so that a reply delayed on purpose does not hold back the requests after it.
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-slack");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
    }

    /** A Slack with a webhook secret, bot token and channel of its own. */
    public static FakeSlack start() {
        return start("fakeWebhookSecret0123456789", "xoxb-0000-fake-bot-token", "C0FAKECHAN1");
    }

    /**
     * A Slack whose webhook URL ends in {@code webhookSecret} and which accepts {@code botToken} for {@code channel};
     * give canary values to prove they never reach a log line or a message.
     */
    public static FakeSlack start(String webhookSecret, String botToken, String channel) {
        try {
            return new FakeSlack(webhookSecret, botToken, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Slack on loopback", e);
        }
    }

    /** The incoming webhook's URL: {@code http://127.0.0.1:PORT/services/T.../B.../SECRET}. */
    public String webhookUrl() {
        return base() + webhookPath;
    }

    /** The Web API's prefix, ending in {@code /api/}, for the client's methods endpoint. */
    public String apiUrl() {
        return base() + "/api/";
    }

    /** The bot token {@code chat.postMessage} accepts. */
    public String botToken() {
        return botToken;
    }

    /** The channel id {@code chat.postMessage} accepts. */
    public String channel() {
        return channel;
    }

    private String base() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Answers the next requests with these replies, in order, before answering normally again. */
    public void enqueue(Reply... replies) {
        synchronized (lock) {
            queued.addAll(List.of(replies));
        }
    }

    /** Answers every request with this reply (after the queued ones) until {@link #answerNormally()}. */
    public void answerEveryRequestWith(Reply reply) {
        synchronized (lock) {
            standing = Objects.requireNonNull(reply, "reply");
        }
    }

    /** Stops answering every request with one reply; queued replies stay. */
    public void answerNormally() {
        synchronized (lock) {
            standing = null;
        }
    }

    /** Every request received, oldest first, with the status it was answered. */
    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** The requests to one path, such as {@code /api/auth.test}. */
    public List<Request> requestsTo(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /**
     * The messages a channel would show, oldest first, as JSON: the webhook's body, or the fields of a
     * {@code chat.postMessage} form with {@code blocks} parsed.
     */
    public List<JsonNode> messages() {
        synchronized (lock) {
            return messages.stream().<JsonNode>map(JsonNode::deepCopy).toList();
        }
    }

    /**
     * Each accepted message's visible text, oldest first: the texts of its header, sections (and their fields) and
     * context elements, one per line; the {@code text} field when it has no blocks.
     */
    public List<String> receivedTexts() {
        return messages().stream().map(FakeSlack::visibleText).toList();
    }

    /** The visible text of one message, as {@link #receivedTexts()} gives it. */
    public static String visibleText(JsonNode message) {
        JsonNode blocks = message.path("blocks");
        if (!blocks.isArray() || blocks.isEmpty()) {
            return message.path("text").asText("");
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode block : blocks) {
            if (block.path("text").has("text")) {
                lines.add(block.path("text").path("text").asText());
            }
            for (JsonNode field : block.path("fields")) {
                lines.add(field.path("text").asText());
            }
            for (JsonNode element : block.path("elements")) {
                if (element.has("text")) {
                    lines.add(element.path("text").asText());
                }
            }
        }
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * One request as received.
     *
     * @param method  the HTTP method
     * @param path    the path, such as {@code /api/chat.postMessage}
     * @param headers the headers, names lower-cased
     * @param body    the body as text
     * @param status  the status it was answered with
     */
    public record Request(String method, String path, Map<String, List<String>> headers, String body, int status) {
        /** The first value of a header, by lower-case name. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT))).flatMap(v -> v.stream().findFirst());
        }
    }

    /** How the fake answers one request. */
    public static final class Reply {
        private final Kind kind;
        private final String error;
        private final int status;
        private final String body;
        private final long retryAfterSeconds;
        private final Duration delay;
        private final Map<String, String> headers;

        private enum Kind { NORMAL, ERROR, RATE_LIMITED, RAW }

        private Reply(Kind kind, String error, int status, String body, long retryAfterSeconds, Duration delay,
                      Map<String, String> headers) {
            this.headers = Map.copyOf(headers);
            this.kind = kind;
            this.error = error;
            this.status = status;
            this.body = body;
            this.retryAfterSeconds = retryAfterSeconds;
            this.delay = delay;
        }

        /** Answer as Slack would: accept a valid message. */
        public static Reply normal() {
            return new Reply(Kind.NORMAL, null, 0, null, 0, Duration.ZERO, Map.of());
        }

        /**
         * Slack's error {@code code} in the endpoint's form: for the webhook the HTTP status Slack uses for it (400 when
         * unknown) with the code as body; for {@code chat.postMessage} 200 {@code {"ok":false,"error":code}}.
         */
        public static Reply error(String code) {
            return new Reply(Kind.ERROR, Objects.requireNonNull(code, "code"), 0, null, 0, Duration.ZERO, Map.of());
        }

        /** 429 with {@code Retry-After: seconds}: body {@code rate_limited} (webhook) or {@code ratelimited} (Web API). */
        public static Reply rateLimited(long seconds) {
            return new Reply(Kind.RATE_LIMITED, null, 429, null, seconds, Duration.ZERO, Map.of());
        }

        /** A 500 as Slack answers it: {@code rollup_error} (webhook) or {@code internal_error} (Web API). */
        public static Reply serverError() {
            return new Reply(Kind.RAW, null, 500, null, 0, Duration.ZERO, Map.of());
        }

        /** Exactly this status and body, whatever the endpoint. */
        public static Reply raw(int status, String body) {
            return new Reply(Kind.RAW, null, status, Objects.requireNonNull(body, "body"), 0, Duration.ZERO, Map.of());
        }

        /** Never answers: the request is held until the fake is closed, as a receiver that hangs. */
        public static Reply noAnswer() {
            return normal().after(Duration.ofHours(1));
        }

        /** The same reply, sent only after {@code wait} (to make a client time out). */
        public Reply after(Duration wait) {
            return new Reply(kind, error, status, body, retryAfterSeconds, wait, headers);
        }

        /** The same reply with one more response header, such as {@code Location} for a redirect. */
        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(kind, error, status, body, retryAfterSeconds, delay, more);
        }
    }

    private record Answer(int status, String contentType, String body, Map<String, String> headers) {
        static Answer text(int status, String body) {
            return new Answer(status, "text/html", body, Map.of());
        }

        static Answer json(int status, String body) {
            return new Answer(status, "application/json; charset=utf-8", body, Map.of());
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            Reply reply;
            synchronized (lock) {
                reply = !queued.isEmpty() ? queued.poll() : standing != null ? standing : Reply.normal();
            }
            if (!reply.delay.isZero()) {
                try {
                    Thread.sleep(reply.delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer answer = answer(exchange.getRequestMethod(), path, headers, body, reply);
            synchronized (lock) {
                requests.add(new Request(exchange.getRequestMethod(), path, headers, body, answer.status()));
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            reply.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private Answer answer(String method, String path, Map<String, List<String>> headers, String body, Reply reply) {
        boolean webhook = path.startsWith("/services/");
        boolean api = path.startsWith("/api/");
        if (!method.equals("POST") || !(webhook || api)) {
            return Answer.text(404, "not found");
        }
        switch (reply.kind) {
            case RAW:
                if (reply.body != null) {
                    return Answer.text(reply.status, reply.body);
                }
                return webhook ? Answer.text(reply.status, "rollup_error")
                        : Answer.json(reply.status, "{\"ok\":false,\"error\":\"internal_error\"}");
            case RATE_LIMITED:
                Map<String, String> retryAfter = Map.of("Retry-After", String.valueOf(reply.retryAfterSeconds));
                return webhook ? new Answer(429, "text/html", "rate_limited", retryAfter)
                        : new Answer(429, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"ratelimited\"}", retryAfter);
            case ERROR:
                return webhook ? Answer.text(WEBHOOK_STATUS.getOrDefault(reply.error, 400), reply.error) : apiError(reply.error);
            default:
                return webhook ? webhook(path, body) : api(path, headers, body);
        }
    }

    private Answer webhook(String path, String body) {
        if (!path.equals(webhookPath)) {
            return Answer.text(404, "no_service");
        }
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (IOException e) {
            return Answer.text(400, "invalid_payload");
        }
        if (message == null || !message.isObject()) {
            return Answer.text(400, "invalid_payload");
        }
        Optional<String> invalid = invalid(message);
        if (invalid.isPresent()) {
            return Answer.text(400, invalid.get());
        }
        accept(message);
        return Answer.text(200, "ok");
    }

    private Answer api(String path, Map<String, List<String>> headers, String body) {
        String methodName = path.substring("/api/".length());
        String authorization = headers.getOrDefault("authorization", List.of("")).get(0);
        String contentType = headers.getOrDefault("content-type", List.of("")).get(0);
        ObjectNode params;
        try {
            params = contentType.startsWith("application/json") ? (ObjectNode) JSON.readTree(body) : form(body);
        } catch (IOException | ClassCastException e) {
            return apiError("invalid_json");
        }
        String token = authorization.startsWith("Bearer ") ? authorization.substring("Bearer ".length())
                : params.path("token").asText("");
        if (token.isEmpty()) {
            return apiError("not_authed");
        }
        if (!token.equals(botToken)) {
            return apiError("invalid_auth");
        }
        switch (methodName) {
            case "auth.test":
                return Answer.json(200, "{\"ok\":true,\"url\":\"https://fake.slack.com/\",\"team\":\"Fake\",\"user\":\"mfa-bot\","
                        + "\"team_id\":\"T0FAKE001\",\"user_id\":\"U0FAKE001\",\"bot_id\":\"B0FAKE001\"}");
            case "chat.postMessage":
                break;
            default:
                return apiError("unknown_method");
        }
        String target = params.path("channel").asText("");
        if (!target.equals(channel)) {
            return apiError("channel_not_found");
        }
        if (params.path("blocks").isTextual()) {
            try {
                params.set("blocks", JSON.readTree(params.path("blocks").asText()));
            } catch (IOException e) {
                return apiError("invalid_blocks_format");
            }
        }
        Optional<String> invalid = invalid(params);
        if (invalid.isPresent()) {
            return apiError(invalid.get());
        }
        accept(params);
        return Answer.json(200, "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"1772442000." + String.format("%06d", messages().size())
                + "\",\"message\":{\"type\":\"message\",\"subtype\":\"bot_message\"}}");
    }

    private static Answer apiError(String code) {
        if (code.equals("ratelimited")) {
            return new Answer(429, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"ratelimited\"}",
                    Map.of("Retry-After", "1"));
        }
        return Answer.json(200, "{\"ok\":false,\"error\":\"" + code + "\"}");
    }

    private static ObjectNode form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.put(key, value);
        }
        ObjectNode node = JSON.createObjectNode();
        fields.forEach(node::put);
        return node;
    }

    /** Slack's checks of a message's size, as far as they matter for tests; the error code when one fails. */
    private static Optional<String> invalid(JsonNode message) {
        JsonNode blocks = message.path("blocks");
        boolean hasText = !message.path("text").asText("").isEmpty();
        if (!hasText && (!blocks.isArray() || blocks.isEmpty())) {
            return Optional.of("no_text");
        }
        if (blocks.isMissingNode() || blocks.isNull()) {
            return Optional.empty();
        }
        if (!blocks.isArray() || blocks.size() > MAX_BLOCKS) {
            return Optional.of("invalid_blocks");
        }
        int totalText = 0;
        for (JsonNode block : blocks) {
            totalText += block.path("text").path("text").asText("").length();
            for (JsonNode element : block.path("elements")) {
                totalText += element.path("text").asText("").length();
            }
            for (JsonNode field : block.path("fields")) {
                totalText += field.path("text").asText("").length();
            }
        }
        if (totalText > MAX_TOTAL_TEXT_CHARS) {
            return Optional.of("msg_blocks_too_long");
        }
        for (JsonNode block : blocks) {
            String type = block.path("type").asText("");
            int length = block.path("text").path("text").asText("").length();
            boolean tooLong = switch (type) {
                case "header" -> length > MAX_HEADER_CHARS || !block.path("text").path("type").asText().equals("plain_text");
                case "section" -> length > MAX_SECTION_CHARS;
                case "context", "divider" -> false;
                default -> true; // the notifier sends no other kind; anything else is a test's mistake worth seeing
            };
            if (tooLong) {
                return Optional.of("invalid_blocks");
            }
        }
        return Optional.empty();
    }

    private void accept(JsonNode message) {
        synchronized (lock) {
            messages.add(message);
        }
    }
}
