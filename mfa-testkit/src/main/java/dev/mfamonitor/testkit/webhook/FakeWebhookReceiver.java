package dev.mfamonitor.testkit.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on loopback for tests of webhook notifiers: it records every request, checks each one's Standard
 * Webhooks signature with its own HMAC code (not the notifier's), and answers as scripted.
 *
 * <pre>{@code
 * try (FakeWebhookReceiver receiver = FakeWebhookReceiver.start(signingKey)) {
 *     receiver.enqueue(Answer.status(503).withRetryAfter("1"), Answer.status(200));
 *     notifier.deliver(notification);                         // POSTs to receiver.url()
 *     assertThat(receiver.requests()).hasSize(2);
 *     assertThat(receiver.requests().get(1).signature()).isEqualTo(SignatureCheck.VALID);
 * }
 * }</pre>
 *
 * <p>Scripted answers are used once each, in order; when none is left the receiver answers its
 * {@linkplain #answerByDefault default} (200). While {@linkplain #goDown() down}, it drops every connection without an
 * answer, as a crashed receiver behind a load balancer would; such requests are recorded with status {@code -1}.
 */
public final class FakeWebhookReceiver implements AutoCloseable {
    /** The path {@link #url()} points at. */
    public static final String PATH = "/hooks/mfa";

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] signingKey;
    private final List<ReceivedRequest> requests = new ArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();
    private Answer byDefault = Answer.status(200);
    private boolean down;

    private FakeWebhookReceiver(byte[] signingKey) throws IOException {
        this.signingKey = signingKey == null ? null : signingKey.clone();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-webhook-receiver");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver that expects no signature (every request is recorded as {@link SignatureCheck#NO_KEY}). */
    public static FakeWebhookReceiver start() throws IOException {
        return new FakeWebhookReceiver(null);
    }

    /** A receiver that verifies signatures made with these key bytes. */
    public static FakeWebhookReceiver start(byte[] signingKey) throws IOException {
        return new FakeWebhookReceiver(Objects.requireNonNull(signingKey, "signingKey"));
    }

    /**
     * The key bytes of a Standard Webhooks secret as a receiver reads it: {@code whsec_} followed by base64 is decoded;
     * any other text is taken as its UTF-8 bytes.
     */
    public static byte[] keyOf(String secret) {
        return secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code http://127.0.0.1:PORT/hooks/mfa}. */
    public String url() {
        return url(PATH);
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    public String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
    }

    /** Adds answers for the next requests, in order. */
    public synchronized FakeWebhookReceiver enqueue(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    /** The answer once the script is used up. */
    public synchronized FakeWebhookReceiver answerByDefault(Answer answer) {
        byDefault = Objects.requireNonNull(answer, "answer");
        return this;
    }

    /** From now on, drop every connection without answering. */
    public synchronized void goDown() {
        down = true;
    }

    /** Answer again. */
    public synchronized void comeUp() {
        down = false;
    }

    /** Forgets the requests and the script; the default answer and the up/down state stay. */
    public synchronized void reset() {
        requests.clear();
        script.clear();
    }

    /** Every request so far, oldest first, including those dropped while down. */
    public synchronized List<ReceivedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered with a 2xx status, oldest first: what the receiver accepted. */
    public synchronized List<ReceivedRequest> accepted() {
        return requests.stream().filter(ReceivedRequest::accepted).toList();
    }

    /** The bodies of the {@linkplain #accepted() accepted} requests, oldest first. */
    public List<String> acceptedBodies() {
        return accepted().stream().map(ReceivedRequest::body).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
            SignatureCheck check = check(headers, body);
            Answer answer;
            synchronized (this) {
                answer = down ? null : script.isEmpty() ? byDefault : script.removeFirst();
                requests.add(new ReceivedRequest(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        headers, body, check, answer == null ? -1 : answer.status()));
            }
            if (answer == null) {
                // Closing the exchange before any header was sent closes the connection: the client sees no answer.
                return;
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
            boolean noBody = reply.length == 0 || answer.status() == 204 || answer.status() == 304;
            exchange.sendResponseHeaders(answer.status(), noBody ? -1 : reply.length);
            if (!noBody) {
                exchange.getResponseBody().write(reply);
            }
        }
    }

    private SignatureCheck check(Map<String, String> headers, String body) {
        if (signingKey == null) {
            return SignatureCheck.NO_KEY;
        }
        String id = headers.get("webhook-id");
        String timestamp = headers.get("webhook-timestamp");
        String signatures = headers.get("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return SignatureCheck.MISSING;
        }
        return verify(signingKey, id, timestamp, body, signatures) ? SignatureCheck.VALID : SignatureCheck.INVALID;
    }

    /**
     * Verifies a Standard Webhooks {@code webhook-signature} header: true when one of its space-separated {@code v1,}
     * signatures is the base64 HMAC-SHA256, under {@code key}, of {@code id + "." + timestamp + "." + body}. Compares in
     * constant time, as the specification asks of receivers.
     */
    public static boolean verify(byte[] key, String id, String timestamp, String body, String signatureHeader) {
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
        for (String signature : signatureHeader.trim().split(" +")) {
            if (!signature.startsWith("v1,")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(signature.substring(3));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return true;
            }
        }
        return false;
    }

    /** What the receiver made of a request's signature. */
    public enum SignatureCheck {
        /** One of the signatures matches. */
        VALID,
        /** There are signatures, and none matches: a wrong key or a changed id, timestamp or body. */
        INVALID,
        /** A {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} header is missing. */
        MISSING,
        /** The receiver was started without a key. */
        NO_KEY
    }

    /**
     * One request as received.
     *
     * @param headers   header names in lower case; repeated headers joined with {@code ", "}
     * @param signature what the receiver made of its signature
     * @param status    the status it was answered with, {@code -1} when the connection was dropped
     */
    public record ReceivedRequest(String method, String path, Map<String, String> headers, String body,
                                  SignatureCheck signature, int status) {

        public ReceivedRequest {
            headers = Map.copyOf(headers);
        }

        /** A header by lower-case name. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** Whether it was answered with a 2xx status. */
        public boolean accepted() {
            return status >= 200 && status <= 299;
        }
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

        /** An empty answer with this status. */
        public static Answer status(int status) {
            return new Answer(status, Map.of(), "", Duration.ZERO);
        }

        /** A redirect to {@code location}, which a webhook sender must not follow. */
        public static Answer redirect(int status, String location) {
            return status(status).withHeader("Location", location);
        }

        /** The same answer with a {@code Retry-After} header. */
        public Answer withRetryAfter(String value) {
            return withHeader("Retry-After", value);
        }

        /** The same answer with one more header. */
        public Answer withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, more, body, delay);
        }

        /** The same answer with a body. */
        public Answer withBody(String text) {
            return new Answer(status, headers, text, delay);
        }

        /** No answer at all: the request is held until the receiver is closed, as a receiver that hangs. */
        public static Answer noAnswer() {
            return status(200).after(Duration.ofHours(1));
        }

        /** The same answer, sent only after {@code wait}. */
        public Answer after(Duration wait) {
            return new Answer(status, headers, body, wait);
        }
    }
}
