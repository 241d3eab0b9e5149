package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.DeliveryException;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Secret;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends a notification as one or more signed JSON POSTs to one receiver.
 *
 * <p>Status handling follows the Standard Webhooks guidance: 2xx is delivered; 408, 429, 5xx and network errors are
 * retried with exponential backoff and jitter (or after the server's {@code Retry-After}) until the notification's
 * deadline; 3xx and every other 4xx fail at once as permanent, since repeating the same request cannot help. Redirects
 * are never followed: a receiver that moved must be reconfigured, not trusted to send our signed alerts elsewhere.
 *
 * <p>Messages and log lines name the receiver by its origin ({@code https://host:port}) only: the path or query of a
 * webhook URL often is a token.
 */
final class WebhookNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_QUOTED_CHARS = 200;

    private final String name;
    private final HttpUrl url;
    private final Optional<SigningKey> signingKey;
    private final Map<String, Secret> extraHeaders;
    private final List<Secret> secrets;
    /** A retry is started only with at least this much time left before the deadline. */
    private static final Duration MIN_RETRY_WINDOW = Duration.ofMillis(250);
    /** Tries per delivery within one run; the next run tries again. */
    private static final int MAX_ATTEMPTS = 10;
    private final Duration timeout;
    private final int maxEventsPerRequest;
    private final Backoff backoff;
    private final Clock clock;
    private final OkHttpClient client;

    /**
     * @param name          how messages name this notifier: "notifier 'siem' (type webhook)"
     * @param url           the receiver, already checked against the https rule
     * @param urlSecret     the URL as configured, redacted from every foreign error text
     * @param extraHeaders  headers sent with every request, values secret
     */
    WebhookNotifier(String name, HttpUrl url, Secret urlSecret, Optional<SigningKey> signingKey,
                    Map<String, Secret> extraHeaders, Duration timeout, int maxEventsPerRequest, Backoff backoff,
                    Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = Objects.requireNonNull(url, "url");
        this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
        this.extraHeaders = Map.copyOf(extraHeaders);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxEventsPerRequest = maxEventsPerRequest;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        ArrayList<Secret> all = new ArrayList<>(extraHeaders.values());
        all.add(Objects.requireNonNull(urlSecret, "urlSecret"));
        // A receiver that echoes its request line would echo the path or query, where webhook tokens live.
        if (url.encodedPath().length() > 1) {
            all.add(new Secret(url.encodedPath()));
        }
        if (url.encodedQuery() != null && !url.encodedQuery().isEmpty()) {
            all.add(new Secret(url.encodedQuery()));
        }
        this.secrets = List.copyOf(all);
        this.client = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                // Our loop owns retries, so that every attempt carries its own webhook-timestamp and signature and
                // every wait is bounded by the run's deadline; OkHttp's silent retries would do neither.
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
                .callTimeout(timeout)
                .build();
    }

    @Override
    public void deliver(Notification notification) throws DeliveryException {
        List<WebhookPayload.Part> parts = WebhookPayload.parts(notification, maxEventsPerRequest);
        for (WebhookPayload.Part part : parts) {
            send(part, notification.deadline());
        }
        LOG.debug("{}: delivered {} event(s) to {} in {} request(s) (webhook-id {})", name, notification.events().size(),
                origin(), parts.size(), notification.id());
    }

    private void send(WebhookPayload.Part part, Instant deadline) throws DeliveryException {
        String what = part.count() == 1 ? "delivery " + part.deliveryId()
                : "part " + part.index() + " of " + part.count() + " (" + part.deliveryId() + ")";
        String lastProblem = "nothing was sent before the run's deadline";
        for (int attempt = 1; ; attempt++) {
            Duration remaining = Duration.between(clock.instant(), deadline);
            // A retry squeezed into the last few milliseconds can only time out, and would replace the receiver's real
            // answer in the message with "timeout": give up with what the receiver last said instead.
            if (remaining.isNegative() || remaining.isZero() || (attempt > 1 && remaining.compareTo(MIN_RETRY_WINDOW) < 0)
                    || attempt > MAX_ATTEMPTS) {
                throw gaveUp(what, attempt - 1, lastProblem);
            }
            Duration wait;
            Call call = client.newCall(request(part, clock.instant().getEpochSecond()));
            // A slow receiver must not hold the run past its deadline either.
            call.timeout().timeout(Math.max(1, Math.min(timeout.toMillis(), remaining.toMillis())), TimeUnit.MILLISECONDS);
            try (Response response = call.execute()) {
                int status = response.code();
                switch (Outcome.of(status)) {
                    case DELIVERED:
                        return;
                    case PERMANENT:
                        throw new DeliveryException(name + ": " + what + " to " + origin() + " failed: "
                                + permanentReason(response), true);
                    default:
                        Optional<Duration> retryAfter = Backoff.parseRetryAfter(response.header("Retry-After"), clock.instant());
                        lastProblem = "the receiver answered " + status + quotedBody(response)
                                + retryAfter.map(d -> " and asked to retry after " + d.toSeconds() + " s").orElse("");
                        Optional<Duration> next = backoff.next(attemptCap(attempt), retryAfter);
                        if (next.isEmpty()) {
                            throw gaveUp(what, attempt, lastProblem);
                        }
                        wait = next.get();
                }
            } catch (ProxyAuthenticationRequired e) {
                throw new DeliveryException(name + ": " + what + " to " + origin() + " failed: the receiver or a proxy"
                        + " in between answered 407 (proxy authentication required); mfa-monitor sends no proxy credentials:"
                        + " let it reach the receiver directly or through a proxy that needs none", true);
            } catch (IOException e) {
                lastProblem = "the receiver could not be reached (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + redact(e.getMessage())) + ")";
                wait = backoff.delay(attemptCap(attempt));
            }
            LOG.warn("{}: attempt {} of {} to {} failed: {}", name, attempt, what, origin(), lastProblem);
            try {
                if (!Backoff.sleepWithin(wait, deadline, clock)) {
                    throw gaveUp(what, attempt, lastProblem);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException(name + ": " + what + " to " + origin() + " was interrupted after " + attempt
                        + " attempt(s) (last: " + lastProblem + "); the events stay pending for the next run", false);
            }
        }
    }

    private static int attemptCap(int attempt) {
        // Backoff caps the delay anyway; this only keeps its doubling loop short.
        return Math.min(attempt, 30);
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

    private DeliveryException gaveUp(String what, int attempts, String lastProblem) {
        return new DeliveryException(name + ": " + what + " to " + origin() + " was not delivered by the run's deadline after "
                + attempts + " attempt(s); last: " + lastProblem + ". The events stay pending and are sent again in the next run",
                false);
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

    /** The start of the response body, cleaned and redacted, for people; empty when there is none. */
    private String quotedBody(Response response) {
        String text;
        try {
            text = response.peekBody(4096).string();
        } catch (IOException | RuntimeException unreadable) {
            return "";
        }
        text = redact(text).replaceAll("\\p{Cntrl}+", " ").trim();
        if (text.isEmpty()) {
            return "";
        }
        if (text.length() > MAX_QUOTED_CHARS) {
            text = text.substring(0, MAX_QUOTED_CHARS) + "...";
        }
        return " '" + text + "'";
    }

    private String redact(String text) {
        String result = text;
        for (Secret secret : secrets) {
            result = secret.redact(result);
        }
        return result;
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

    /** What a status means for a delivery. */
    enum Outcome {
        DELIVERED, RETRY, PERMANENT;

        static Outcome of(int status) {
            if (status >= 200 && status <= 299) {
                return DELIVERED;
            }
            if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
                return RETRY;
            }
            return PERMANENT;
        }
    }
}
