package dev.mfamonitor.testkit.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The PagerDuty Events API v2 on loopback, for tests of PagerDuty notifiers: {@code POST /v2/enqueue} takes one event
 * as PagerDuty documents it, checks it as PagerDuty does, and keeps the alerts it opens and resolves by
 * {@code dedup_key}, so a test asserts what a person on call would see.
 *
 * <p>Answers, as the real API gives them:
 * <ul>
 * <li>{@code 202 {"status":"success","message":"Event processed","dedup_key":"..."}} for an accepted event;</li>
 * <li>{@code 400 {"status":"invalid event","message":"Event object is invalid","errors":["..."]}} for an event that
 *     breaks a rule (a routing key that is not the 32-character key this fake was started with, an unknown
 *     {@code event_action}, a missing {@code dedup_key} on a resolve, a trigger without {@code payload.summary},
 *     {@code payload.source} or a valid {@code payload.severity}, a summary over 1,024 characters, a
 *     {@code dedup_key} over 255);</li>
 * <li>whatever was {@linkplain #enqueue scripted} (a {@code 429} storm, a {@code 503} with {@code Retry-After}).</li>
 * </ul>
 * As PagerDuty does, a trigger for an open alert's key adds to that alert; a trigger for a resolved key opens a new
 * one; a resolve for a key with no open alert is accepted and dropped.
 *
 * <pre>{@code
 * try (FakePagerDuty pagerDuty = FakePagerDuty.start(ROUTING_KEY)) {
 *     pagerDuty.enqueue(Answer.rateLimited(), Answer.rateLimited());
 *     notifier.send(notification);                          // POSTs to pagerDuty.endpoint() + "/v2/enqueue"
 *     assertThat(pagerDuty.openAlerts()).containsOnlyKeys(key);
 * }
 * }</pre>
 */
public final class FakePagerDuty implements AutoCloseable {
    /** Where events are posted. */
    public static final String ENQUEUE_PATH = "/v2/enqueue";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");

    private final HttpServer server;
    private final ExecutorService executor;
    private final String routingKey;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private Answer byDefault;
    private boolean down;

    private FakePagerDuty(String routingKey) throws IOException {
        this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-pagerduty");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** An Events API that takes events sent with this routing key (PagerDuty's are 32 characters). */
    public static FakePagerDuty start(String routingKey) {
        try {
            return new FakePagerDuty(routingKey);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start the fake PagerDuty on loopback", e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, what a notifier takes as its endpoint. */
    public String endpoint() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Answers for the next requests, in order, instead of processing them; once used up, events are processed again. */
    public synchronized FakePagerDuty enqueue(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    /** Answers every request with {@code answer} instead of processing it, until {@link #answerNormally()}. */
    public synchronized FakePagerDuty answerEveryRequestWith(Answer answer) {
        byDefault = Objects.requireNonNull(answer, "answer");
        return this;
    }

    /** Processes events again (and forgets the script); comes back up if it was down. */
    public synchronized FakePagerDuty answerNormally() {
        byDefault = null;
        script.clear();
        down = false;
        return this;
    }

    /** From now on, drops every connection without an answer, as a crashed service behind a load balancer. */
    public synchronized void goDown() {
        down = true;
    }

    /** Every request so far, oldest first. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The bodies of the requests answered 202, oldest first. */
    public synchronized List<String> acceptedBodies() {
        return requests.stream().filter(r -> r.status() == 202).map(Request::body).toList();
    }

    /** The events answered 202, oldest first, parsed. */
    public synchronized List<JsonNode> acceptedEvents() {
        return requests.stream().filter(r -> r.status() == 202).map(Request::json).toList();
    }

    /** Every alert so far by {@code dedup_key} (open and resolved), in the order they were first triggered. */
    public synchronized Map<String, Alert> alerts() {
        return Map.copyOf(alerts);
    }

    /** The open alerts by {@code dedup_key}. */
    public synchronized Map<String, Alert> openAlerts() {
        Map<String, Alert> open = new LinkedHashMap<>();
        alerts.forEach((key, alert) -> {
            if (!alert.resolved()) {
                open.put(key, alert);
            }
        });
        return open;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
            Answer answer;
            synchronized (this) {
                if (down) {
                    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), contentType,
                            body, -1));
                    return; // closing before any header was sent drops the connection
                }
                answer = !script.isEmpty() ? script.removeFirst() : byDefault;
                if (answer == null || answer.status() == Answer.PROCESS) {
                    answer = process(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), contentType, body);
                }
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), contentType,
                        body, answer.status()));
            }
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] reply = answer.body().getBytes(StandardCharsets.UTF_8);
            if (!answer.body().isEmpty()) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(answer.status(), reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                exchange.getResponseBody().write(reply);
            }
        }
    }

    /** What PagerDuty makes of one event. Called holding the lock. */
    private Answer process(String method, String path, String contentType, String body) {
        if (!path.equals(ENQUEUE_PATH)) {
            return Answer.status(404).withBody("{\"status\":\"not found\",\"message\":\"Not Found\"}");
        }
        if (!method.equals("POST")) {
            return Answer.status(405);
        }
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (IOException e) {
            return Answer.invalidEvent("Event object is not valid JSON");
        }
        if (event == null || !event.isObject()) {
            return Answer.invalidEvent("Event object is not a JSON object");
        }
        List<String> errors = new ArrayList<>();
        String key = event.path("routing_key").asText("");
        if (key.length() != 32) {
            errors.add("Length of 'routing_key' is incorrect (should be 32 characters)");
        } else if (!key.equals(routingKey)) {
            errors.add("Invalid routing key");
        }
        String action = event.path("event_action").asText("");
        if (!ACTIONS.contains(action)) {
            errors.add("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
        }
        String dedupKey = event.path("dedup_key").asText("");
        if (dedupKey.length() > 255) {
            errors.add("'dedup_key' is too long (maximum 255 characters)");
        }
        if (!action.equals("trigger") && ACTIONS.contains(action) && dedupKey.isEmpty()) {
            errors.add("'dedup_key' is missing or blank");
        }
        JsonNode payload = event.path("payload");
        if (action.equals("trigger")) {
            String summary = payload.path("summary").asText("");
            if (summary.isBlank()) {
                errors.add("'payload.summary' is missing or blank");
            } else if (summary.length() > 1024) {
                errors.add("'payload.summary' is too long (maximum 1024 characters)");
            }
            if (payload.path("source").asText("").isBlank()) {
                errors.add("'payload.source' is missing or blank");
            }
            if (!SEVERITIES.contains(payload.path("severity").asText(""))) {
                errors.add("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
            }
            if (payload.has("custom_details") && !payload.get("custom_details").isObject()) {
                errors.add("'payload.custom_details' must be an object");
            }
        }
        if (!errors.isEmpty()) {
            return Answer.invalidEvent(errors.toArray(String[]::new));
        }
        if (dedupKey.isEmpty()) {
            dedupKey = java.util.UUID.randomUUID().toString().replace("-", "");
        }
        Alert current = alerts.get(dedupKey);
        switch (action) {
            case "trigger" -> {
                if (current == null || current.resolved()) {
                    int opened = current == null ? 1 : current.timesOpened() + 1;
                    alerts.put(dedupKey, new Alert(dedupKey, payload, 1, false, opened));
                } else {
                    alerts.put(dedupKey, new Alert(dedupKey, payload, current.triggers() + 1, false, current.timesOpened()));
                }
            }
            case "resolve" -> {
                if (current != null && !current.resolved()) {
                    alerts.put(dedupKey, new Alert(dedupKey, current.payload(), current.triggers(), true,
                            current.timesOpened()));
                }
            }
            default -> {
                // acknowledge: no change that a test of ours looks at
            }
        }
        ObjectNode accepted = JSON.createObjectNode();
        accepted.put("status", "success");
        accepted.put("message", "Event processed");
        accepted.put("dedup_key", dedupKey);
        return Answer.status(202).withBody(accepted.toString());
    }

    /**
     * One request as received.
     *
     * @param status the status it was answered with, {@code -1} when the connection was dropped
     */
    public record Request(String method, String path, String contentType, String body, int status) {
        /** The body parsed as JSON; a {@code MissingNode} when it is not JSON. */
        public JsonNode json() {
            try {
                JsonNode node = JSON.readTree(body);
                return node == null ? JSON.missingNode() : node;
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }
    }

    /**
     * One alert as PagerDuty keeps it.
     *
     * @param payload     the payload of the trigger that opened it or was last added to it
     * @param triggers    how many triggers it received while open
     * @param resolved    whether a resolve closed it
     * @param timesOpened how many alerts this key has opened in all (a trigger after a resolve opens a new one)
     */
    public record Alert(String dedupKey, JsonNode payload, int triggers, boolean resolved, int timesOpened) {
    }

    /**
     * A scripted answer.
     *
     * @param delay how long to wait before answering (to let a client time out)
     */
    public record Answer(int status, Map<String, String> headers, String body, Duration delay) {

        public Answer {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(delay, "delay");
        }

        /** The status of {@link #processed()}. */
        static final int PROCESS = 0;

        /** In a script: process this request as PagerDuty would (to script the answers after it). */
        public static Answer processed() {
            return new Answer(PROCESS, Map.of(), "", Duration.ZERO);
        }

        /** An empty answer with this status. */
        public static Answer status(int status) {
            return new Answer(status, Map.of(), "", Duration.ZERO);
        }

        /**
         * PagerDuty's 429 ("Request Limit Exceeded"; PagerDuty documents no body for it, so none is sent), without
         * {@code Retry-After}, as PagerDuty usually answers.
         */
        public static Answer rateLimited() {
            return status(429);
        }

        /** PagerDuty's 400 for an event that breaks its rules, with these errors. */
        public static Answer invalidEvent(String... errors) {
            ObjectNode body = JSON.createObjectNode();
            body.put("status", "invalid event");
            body.put("message", "Event object is invalid");
            var list = body.putArray("errors");
            for (String error : errors) {
                list.add(error);
            }
            return status(400).withBody(body.toString());
        }

        /** No answer at all: the request is held, as a service that hangs. */
        public static Answer noAnswer() {
            return status(202).after(Duration.ofHours(1));
        }

        /** The same answer with a {@code Retry-After} header. */
        public Answer withRetryAfter(String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put("Retry-After", value);
            return new Answer(status, more, body, delay);
        }

        /** The same answer with a body. */
        public Answer withBody(String text) {
            return new Answer(status, headers, text, delay);
        }

        /** The same answer, sent only after {@code wait}. */
        public Answer after(Duration wait) {
            return new Answer(status, headers, body, wait);
        }
    }
}
