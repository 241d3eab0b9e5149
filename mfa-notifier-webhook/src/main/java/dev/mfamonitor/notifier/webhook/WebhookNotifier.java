package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.support.Backoff;
import dev.mfamonitor.support.SafeText;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends a notification as one or more signed JSON POSTs to one receiver, one attempt per {@link #send}; the engine
 * retries.
 *
 * <p>Status handling follows the Standard Webhooks guidance: 2xx is delivered; 408, 429, 5xx (with their
 * {@code Retry-After}), timeouts and network errors are transient; 3xx and every other 4xx are permanent, since
 * repeating the same request cannot help. Redirects are never followed: a receiver that moved must be reconfigured,
 * not trusted to send our signed alerts elsewhere.
 *
 * <p>Messages and log lines name the receiver by its origin ({@code https://host:port}) only: the path or query of a
 * webhook URL often is a token. Every text taken from an answer or an exception goes through the context's redactor
 * (which knows the URL, its path segments, the headers and the signing secret in every encoding) before it is cut.
 */
final class WebhookNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final MediaType JSON = MediaType.get("application/json");
    /** How much of an answer is read: all of it is redacted before the first {@value #MAX_QUOTED_CHARS} are quoted. */
    private static final long MAX_PEEK_BYTES = 65_536;
    private static final int MAX_QUOTED_CHARS = 200;

    private final String name;
    private final HttpUrl url;
    private final Optional<SigningKey> signingKey;
    private final Map<String, Secret> extraHeaders;
    private final Duration timeout;
    private final int maxEventsPerRequest;
    private final PluginContext context;
    private final OkHttpClient client;

    /**
     * @param name         how messages name this notifier: "notifier 'siem' (type webhook)"
     * @param url          the receiver, already checked against the HTTP rules
     * @param extraHeaders headers sent with every request, values secret
     * @param timeout      the longest one request may take (never past the notification's deadline either)
     */
    WebhookNotifier(String name, HttpUrl url, Optional<SigningKey> signingKey, Map<String, Secret> extraHeaders,
                    Duration timeout, int maxEventsPerRequest, PluginContext context) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = Objects.requireNonNull(url, "url");
        this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
        this.extraHeaders = Map.copyOf(extraHeaders);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxEventsPerRequest = maxEventsPerRequest;
        this.context = Objects.requireNonNull(context, "context");
        this.client = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                // The engine owns retries, so that every attempt carries its own webhook-timestamp and signature and
                // every wait is bounded by the delivery deadline; OkHttp's silent retries would do neither.
                .retryOnConnectionFailure(false)
                // OkHttp turns a 407 into a ProtocolException before we see it; make it a typed answer instead.
                .addNetworkInterceptor(chain -> {
                    Response response = chain.proceed(chain.request());
                    if (response.code() == 407) {
                        response.close();
                        throw new ProxyAuthenticationRequired();
                    }
                    return response;
                })
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .build();
    }

    /**
     * Sends every part in order, each once. A part that fails ends the attempt with its outcome; the engine's retry
     * sends every part again with the same ids, so a receiver drops the ones it already has by {@code webhook-id}.
     */
    @Override
    public DeliveryResult send(Notification notification) {
        List<WebhookPayload.Part> parts = WebhookPayload.parts(notification, maxEventsPerRequest);
        for (WebhookPayload.Part part : parts) {
            DeliveryResult result = post(part, notification);
            if (!(result instanceof DeliveryResult.Delivered)) {
                LOG.debug("{}: attempt failed: {}", name, result);
                return result;
            }
        }
        LOG.debug("{}: delivered {} event(s) to {} in {} request(s) (webhook-id {})", name, notification.events().size(),
                origin(), parts.size(), notification.id());
        return DeliveryResult.delivered();
    }

    private DeliveryResult post(WebhookPayload.Part part, Notification notification) {
        String what = name + ": " + (part.count() == 1 ? "delivery " + part.deliveryId()
                : "part " + part.index() + " of " + part.count() + " (" + part.deliveryId() + ")") + " to " + origin();
        Duration remaining = notification.deadline().remaining();
        if (remaining.isZero()) {
            return DeliveryResult.retry(what + " was not sent: the delivery deadline had passed");
        }
        Duration callTimeout = remaining.compareTo(timeout) < 0 ? remaining : timeout;
        Call call = client.newCall(request(part, context.clock().instant().getEpochSecond()));
        // A slow receiver must not hold the delivery past its deadline.
        call.timeout().timeout(Math.max(1, callTimeout.toMillis()), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            int status = response.code();
            if (status >= 200 && status <= 299) {
                return DeliveryResult.delivered();
            }
            if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
                Optional<Duration> retryAfter = Backoff.parseRetryAfter(response.header("Retry-After"),
                        context.clock().instant());
                String reason = what + " failed: the receiver answered " + status + quotedBody(response)
                        + retryAfter.map(d -> " and asked to retry after " + d.toSeconds() + " s").orElse("")
                        + "; the events stay pending";
                return retryAfter.map(d -> DeliveryResult.retryAfter(reason, d))
                        .orElseGet(() -> DeliveryResult.retry(reason));
            }
            return DeliveryResult.permanent(what + " failed: " + permanentReason(response));
        } catch (ProxyAuthenticationRequired e) {
            return DeliveryResult.permanent(what + " failed: the receiver or a proxy in between answered 407 (proxy "
                    + "authentication required); mfa-monitor sends no proxy credentials: let it reach the receiver "
                    + "directly or through a proxy that needs none");
        } catch (IOException e) {
            String reason = redact(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return DeliveryResult.retry(what + " failed: the receiver could not be reached (" + quote(reason) + ")");
        }
    }

    private Request request(WebhookPayload.Part part, long timestamp) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .header("User-Agent", "mfa-monitor")
                .header("webhook-id", part.deliveryId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .post(RequestBody.create(part.body(), JSON));
        signingKey.ifPresent(key -> request.header("webhook-signature", key.sign(part.deliveryId(), timestamp, part.body())));
        extraHeaders.forEach((header, value) -> request.header(header, value.reveal()));
        return request.build();
    }

    private String permanentReason(Response response) {
        int status = response.code();
        if (status >= 300 && status <= 399) {
            String location = response.header("Location");
            HttpUrl target = location == null ? null : response.request().url().resolve(location);
            return "the receiver answered " + status + " (a redirect" + (target == null ? "" : " to " + origin(target))
                    + "); redirects are never followed: set url to the address the receiver really serves";
        }
        String advice = switch (status) {
            case 401, 403 -> "the receiver refused the credentials: check the signing secret and the headers it expects";
            case 404 -> "nothing is served at that address: check url";
            case 405 -> "the address does not take POST: check url";
            case 410 -> "the receiver no longer accepts these webhooks: update url or remove this notifier";
            case 413 -> "the body was too large: lower maxEventsPerRequest (now " + maxEventsPerRequest + ")";
            default -> "the receiver rejected the request; retrying it unchanged cannot help: check its logs";
        };
        return "the receiver answered " + status + quotedBody(response) + "; " + advice;
    }

    /**
     * The start of the response body for people: redacted first (all of the 64 KiB read, so that a secret is masked
     * before any cut), then cleaned of control characters and cut; empty when there is none.
     */
    private String quotedBody(Response response) {
        String text;
        try {
            text = response.peekBody(MAX_PEEK_BYTES).string();
        } catch (IOException | RuntimeException unreadable) {
            return "";
        }
        String quoted = quote(redact(text));
        return quoted.isEmpty() ? "" : " '" + quoted + "'";
    }

    /**
     * Every secret out of a foreign text. The context's redactor knows every configured value, and the parts of a short
     * one too ({@code TOKEN} of {@code Bearer TOKEN}), since a receiver may echo the token alone.
     */
    private String redact(String text) {
        return context.redactor().redact(text);
    }

    /** A text already redacted, with line breaks and control characters gone, cut to {@value #MAX_QUOTED_CHARS}. */
    private static String quote(String redacted) {
        String text = SafeText.clean(redacted.replaceAll("[\\r\\n\\t]+", " ")).trim();
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    private String origin() {
        return origin(url);
    }

    private static String origin(HttpUrl target) {
        String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
        return target.scheme() + "://" + host + (target.port() == HttpUrl.defaultPort(target.scheme()) ? "" : ":" + target.port());
    }

    @Override
    public void close() {
        try {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the HTTP client failed ({}); continuing", name, e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return name + " -> " + origin();
    }

    /** A 407 answer, carried out of OkHttp's interceptor chain. */
    private static final class ProxyAuthenticationRequired extends IOException {
        private static final long serialVersionUID = 1L;

        ProxyAuthenticationRequired() {
            super("407 Proxy Authentication Required");
        }
    }
}
