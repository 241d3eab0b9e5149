package dev.mfamonitor.notifier.slack;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.slack.api.util.json.GsonFactory;
import com.slack.api.webhook.Payload;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Redactor;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one HTTP call of an attempt, for both transports. OkHttp directly (the SDK's client has no per-call timeout):
 * <ul>
 * <li>no redirect followed (DESIGN.md: a redirect could carry the message, or the token, elsewhere);</li>
 * <li>no silent retry of OkHttp's own: the engine owns retries;</li>
 * <li>each call ends by the notification's deadline, and within {@code timeout};</li>
 * <li>nothing logs a request URL, which for an incoming webhook is the secret itself;</li>
 * <li>every text taken from an answer or an exception goes through the context's redactor before it is cut.</li>
 * </ul>
 * The payload is the Slack SDK's {@link Payload} model, written with the SDK's own Gson settings.
 */
final class SlackHttp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlackHttp.class);
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    /** Slack's answers are short; more than this of a body is never read. */
    private static final long MAX_BODY_BYTES = 65_536;
    /** The longest exception text a reason quotes. */
    private static final int MAX_QUOTED_CHARS = 200;
    private static final Gson GSON = GsonFactory.createSnakeCase();

    private final OkHttpClient client;
    private final Duration timeout;
    private final Redactor redactor;

    SlackHttp(Duration timeout, Redactor redactor) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.client = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .build();
    }

    /** What Slack answered: the status, the body (redacted, at most 64 KiB read) and a {@code Retry-After}. */
    record Answer(int status, String body, Optional<String> retryAfter) {
    }

    /**
     * Posts a JSON body once.
     *
     * @param bearer a bot token for {@code Authorization}, if any
     * @return Slack's answer
     * @throws IOException when there was none (refused, reset, timed out, interrupted); describe it with
     *                     {@link #describe}
     */
    Answer post(HttpUrl url, Optional<String> bearer, String json, Duration callTimeout) throws IOException {
        Request.Builder request = new Request.Builder()
                .url(url)
                .header("User-Agent", "mfa-monitor")
                .post(RequestBody.create(json, JSON));
        bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        Call call = client.newCall(request.build());
        call.timeout().timeout(Math.max(1, callTimeout.toMillis()), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            String body = redactor.redact(response.peekBody(MAX_BODY_BYTES).string());
            return new Answer(response.code(), body, Optional.ofNullable(response.header("Retry-After")));
        }
    }

    /** The time one call may take: the configured timeout, or what is left before the deadline if less. */
    Duration callTimeout(Deadline deadline) {
        Duration remaining = deadline.remaining();
        return remaining.compareTo(timeout) < 0 ? remaining : timeout;
    }

    /**
     * The exception's class and the first line of its message, redacted first and then cut to 200 characters:
     * "ConnectException: Failed to connect to /127.0.0.1:1".
     */
    String describe(Throwable failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().lines().findFirst().orElse("");
        String text = redactor.redact(failure.getClass().getSimpleName() + (message.isBlank() ? "" : ": " + message));
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS - 1) + "…";
    }

    /** The message as Slack's JSON: text, blocks, the optional name and icon, unfurling off. */
    static JsonObject payload(SlackMessage message, Optional<String> username, Optional<String> iconEmoji) {
        Payload payload = Payload.builder()
                .text(message.text())
                .blocks(message.blocks())
                .unfurlLinks(false)
                .unfurlMedia(false)
                .build();
        JsonObject json = GSON.toJsonTree(payload).getAsJsonObject();
        // Set by hand: the SDK deprecates them on Payload (new-style webhooks ignore them; chat.postMessage takes them).
        username.ifPresent(name -> json.addProperty("username", name));
        iconEmoji.ifPresent(emoji -> json.addProperty("icon_emoji", emoji));
        return json;
    }

    static String json(JsonObject object) {
        return GSON.toJson(object);
    }

    static Gson gson() {
        return GSON;
    }

    @Override
    public void close() {
        try {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        } catch (RuntimeException e) {
            log.warn("closing the Slack HTTP client failed: {}", e.getClass().getName());
        }
    }
}
