package dev.mfamonitor.testkit.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Microsoft Teams Workflows webhook on loopback for tests: the HTTP trigger of a flow made from the template "Post to
 * a channel when a webhook request is received", with its wire format, so that a real HTTP client can be tested
 * against it.
 *
 * <ul>
 * <li>The URL ({@link #webhookUrl()}) has the shape of a workflow trigger's:
 *     {@code /workflows/{id}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={signature}};
 *     the {@code sig} is the credential.</li>
 * <li>Like the real trigger it answers {@code 202 Accepted} with an empty body (and an {@code x-ms-workflow-run-id})
 *     as soon as it takes a request, and runs the flow afterwards: the flow posts each attachment's Adaptive Card to the
 *     channel, or fails without telling the sender (a card over {@value #MAX_MESSAGE_BYTES} bytes, an attachment that
 *     is not an Adaptive Card). {@link #runs()} shows every run, {@link #postedCards()} only what the channel shows.</li>
 * <li>Errors come in the Logic Apps envelope {@code {"error":{"code":...,"message":...}}}: 404 {@code WorkflowNotFound}
 *     for another workflow path, 401 {@code DirectApiAuthorizationRequired} without {@code sig},
 *     401 {@code DirectApiInvalidAuthorizationSignature} for another one, 400 {@code InvalidRequestContent} for a body
 *     that is not a JSON object.</li>
 * </ul>
 *
 * <p>Script other answers with {@link #enqueue} (the next requests, in order) or {@link #answerEveryRequestWith}
 * (until {@link #answerNormally()}).
 */
public final class FakeTeams implements AutoCloseable {
    /** Teams' documented limit of one message, "about 28 KB": a flow cannot post a card larger than this. */
    public static final int MAX_MESSAGE_BYTES = 28_000;
    /** The content type of an Adaptive Card attachment. */
    public static final String ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String workflowId;
    private final String signature;
    private final Object lock = new Object();
    private final Deque<Reply> queued = new ArrayDeque<>();
    private Reply standing;
    private final List<Request> requests = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();

    private FakeTeams(String workflowId, String signature) throws IOException {
        this.workflowId = workflowId;
        this.signature = signature;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // A thread per request, so that a reply delayed on purpose does not hold back the requests after it.
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-teams");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
    }

    /** A workflow webhook with an id and a signature of its own. */
    public static FakeTeams start() {
        return start("0f3c5e1a9b7d4c2e8a6f1b3d5c7e9a0b", "fakeSignature0123456789abcdefABCDEF_-");
    }

    /**
     * A workflow webhook whose URL has this workflow id and {@code sig}; give canary values to prove they never reach
     * a log line or a message.
     */
    public static FakeTeams start(String workflowId, String signature) {
        try {
            return new FakeTeams(workflowId, signature);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Teams workflow on loopback", e);
        }
    }

    /** The workflow trigger's URL, as Teams shows it when the workflow is created (with a loopback origin). */
    public String webhookUrl() {
        return base() + path() + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + signature;
    }

    /** The signature, the credential in {@link #webhookUrl()}. */
    public String signature() {
        return signature;
    }

    private String path() {
        return "/workflows/" + workflowId + "/triggers/manual/paths/invoke";
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

    /** Every flow run, oldest first: one per request the trigger took (answered 202). */
    public List<Run> runs() {
        synchronized (lock) {
            return List.copyOf(runs);
        }
    }

    /** The Adaptive Cards the flow posted to the channel, oldest first (the {@code content} of each attachment). */
    public List<JsonNode> postedCards() {
        synchronized (lock) {
            return runs.stream().filter(Run::posted).flatMap(r -> r.cards().stream()).<JsonNode>map(JsonNode::deepCopy)
                    .toList();
        }
    }

    /** The visible text of each posted card, oldest first, as {@link #visibleText} gives it. */
    public List<String> receivedTexts() {
        return postedCards().stream().map(FakeTeams::visibleText).toList();
    }

    /** A card's visible text: the {@code text} of every TextBlock (inside containers too), one per line. */
    public static String visibleText(JsonNode card) {
        List<String> lines = new ArrayList<>();
        collect(card.path("body"), lines);
        return String.join("\n", lines);
    }

    private static void collect(JsonNode elements, List<String> lines) {
        for (JsonNode element : elements) {
            if (element.path("type").asText().equals("TextBlock")) {
                lines.add(element.path("text").asText());
            }
            collect(element.path("items"), lines);
            for (JsonNode column : element.path("columns")) {
                collect(column.path("items"), lines);
            }
        }
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
     * @param path    the path
     * @param query   the query parameters, decoded
     * @param headers the headers, names lower-cased
     * @param body    the body as text
     * @param status  the status it was answered with
     */
    public record Request(String method, String path, Map<String, String> query, Map<String, List<String>> headers,
                          String body, int status) {
        /** The first value of a header, by lower-case name. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT))).flatMap(v -> v.stream().findFirst());
        }
    }

    /**
     * One run of the flow.
     *
     * @param body    the request body it ran on
     * @param cards   the cards it posted (empty when it failed)
     * @param failure why it failed, as the run history would say; empty when it posted
     */
    public record Run(String body, List<JsonNode> cards, Optional<String> failure) {
        /** Whether the flow posted the card(s) to the channel. */
        public boolean posted() {
            return failure.isEmpty();
        }
    }

    /** How the fake answers one request. */
    public static final class Reply {
        private final boolean normal;
        private final int status;
        private final String body;
        private final Duration delay;
        private final Map<String, String> headers;

        private Reply(boolean normal, int status, String body, Duration delay, Map<String, String> headers) {
            this.normal = normal;
            this.status = status;
            this.body = body;
            this.delay = delay;
            this.headers = Map.copyOf(headers);
        }

        /** Answer as the workflow would: take the request (202) and run the flow. */
        public static Reply normal() {
            return new Reply(true, 0, null, Duration.ZERO, Map.of());
        }

        /** Exactly this status and body; the flow does not run. */
        public static Reply raw(int status, String body) {
            return new Reply(false, status, Objects.requireNonNull(body, "body"), Duration.ZERO, Map.of());
        }

        /** A Logic Apps error: this status with {@code {"error":{"code":code,"message":message}}}. */
        public static Reply error(int status, String code, String message) {
            return raw(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
        }

        /** 429 with {@code Retry-After: seconds}, as the trigger's throttling answers. */
        public static Reply rateLimited(long seconds) {
            return error(429, "WorkflowRequestsThrottled", "Number of read requests for workflow exceeded the limit.")
                    .withHeader("Retry-After", String.valueOf(seconds));
        }

        /** A 502 as a gateway in front of the trigger answers it. */
        public static Reply serverError() {
            return error(502, "BadGateway", "The gateway did not receive a response in time.");
        }

        /** 404 {@code WorkflowNotFound}: the workflow was deleted. */
        public static Reply workflowNotFound() {
            return error(404, "WorkflowNotFound", "The workflow could not be found.");
        }

        /** Never answers: the request is held until the fake is closed, as a trigger that hangs. */
        public static Reply noAnswer() {
            return normal().after(Duration.ofHours(1));
        }

        /** The same reply, sent only after {@code wait} (to make a client time out). */
        public Reply after(Duration wait) {
            return new Reply(normal, status, body, wait, headers);
        }

        /** The same reply with one more response header. */
        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(normal, status, body, delay, more);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
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
                    return;
                }
            }
            int status;
            String answer;
            Map<String, String> answerHeaders = new LinkedHashMap<>(reply.headers);
            if (reply.normal) {
                Optional<Reply> refusal = refusal(exchange.getRequestMethod(), path, query, body);
                if (refusal.isPresent()) {
                    status = refusal.get().status;
                    answer = refusal.get().body;
                } else {
                    status = 202;
                    answer = "";
                    answerHeaders.put("x-ms-workflow-run-id", UUID.randomUUID().toString().replace("-", ""));
                }
            } else {
                status = reply.status;
                answer = reply.body;
            }
            synchronized (lock) {
                requests.add(new Request(exchange.getRequestMethod(), path, query, headers, body, status));
                if (status == 202 && reply.normal) {
                    runs.add(run(body));
                }
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0) {
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            }
            answerHeaders.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** What the trigger refuses before it runs the flow, as Logic Apps answers it. */
    private Optional<Reply> refusal(String method, String path, Map<String, String> query, String body) {
        if (!path.equals(path())) {
            return Optional.of(Reply.workflowNotFound());
        }
        if (!query.containsKey("sig")) {
            return Optional.of(Reply.error(401, "DirectApiAuthorizationRequired",
                    "The request must be authenticated only by Shared Access scheme."));
        }
        if (!query.get("sig").equals(signature)) {
            return Optional.of(Reply.error(401, "DirectApiInvalidAuthorizationSignature",
                    "The provided authorization signature is not valid."));
        }
        if (!method.equals("POST")) {
            return Optional.of(Reply.error(405, "InvalidRequestMethod",
                    "The HTTP method for this request is not valid: expected 'Post'."));
        }
        try {
            JsonNode parsed = JSON.readTree(body);
            if (parsed == null || !parsed.isObject()) {
                throw new IOException("not an object");
            }
        } catch (IOException e) {
            return Optional.of(Reply.error(400, "InvalidRequestContent",
                    "The request content is not valid and could not be deserialized."));
        }
        return Optional.empty();
    }

    /** The template's flow: for each attachment, post its Adaptive Card to the channel; fail the run otherwise. */
    private static Run run(String body) {
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (IOException e) {
            return new Run(body, List.of(), Optional.of("the body is not JSON"));
        }
        if (!message.path("type").asText().equals("message")) {
            return new Run(body, List.of(), Optional.of("the body's type is not 'message'"));
        }
        JsonNode attachments = message.path("attachments");
        if (!attachments.isArray() || attachments.isEmpty()) {
            return new Run(body, List.of(), Optional.of("the message has no attachments"));
        }
        List<JsonNode> cards = new ArrayList<>();
        for (JsonNode attachment : attachments) {
            if (!attachment.path("contentType").asText().equals(ADAPTIVE_CARD)) {
                return new Run(body, List.of(), Optional.of("an attachment is not an Adaptive Card"));
            }
            JsonNode card = attachment.path("content");
            if (!card.path("type").asText().equals("AdaptiveCard") || !card.path("version").isTextual()
                    || !card.path("body").isArray()) {
                return new Run(body, List.of(), Optional.of("an attachment's content is not an Adaptive Card"));
            }
            int size = card.toString().getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_MESSAGE_BYTES) {
                return new Run(body, List.of(), Optional.of("Request Entity too large: the card has " + size
                        + " bytes, more than about 28 KB"));
            }
            cards.add(card);
        }
        return new Run(body, List.copyOf(cards), Optional.empty());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (raw == null) {
            return fields;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.put(key, value);
        }
        return fields;
    }
}
