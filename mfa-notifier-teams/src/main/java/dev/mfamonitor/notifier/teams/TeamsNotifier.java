package dev.mfamonitor.notifier.teams;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.support.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code type: teams}: posts each notification as one Adaptive Card ({@link TeamsCard}) to a Teams channel through a
 * Workflows webhook, one attempt per {@link #send}; the engine retries.
 *
 * <p>What the webhook answers is sorted as {@link TeamsAnswers} says: 200 and 202 delivered; 429 (with its
 * {@code Retry-After}), 408, 5xx, timeouts and network errors transient; the rest (a deleted workflow, a rotated URL,
 * a redirect) permanent, with a message that says what to fix.
 *
 * <p>The HTTP call is {@code java.net.http}: no redirect followed (a redirect could carry the card elsewhere), no
 * retry of its own, each call ended by the notification's deadline and within {@code timeout}. The webhook URL is a
 * secret (its {@code sig} parameter is the credential): no message, log line or exception of this class holds it;
 * messages name the notifier, and every text taken from an answer or an exception goes through the context's
 * redactor before it is cut.
 */
public final class TeamsNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(TeamsNotifier.class);
    /** Workflows' answers are short; more than this of a body is never read. */
    private static final int MAX_BODY_BYTES = 65_536;
    private static final int MAX_QUOTED_CHARS = 200;

    private final String name;
    private final Secret webhookUrl;
    private final URI uri;
    private final Duration timeout;
    private final PluginContext context;
    private final ExecutorService executor;
    private final HttpClient client;

    /**
     * @param name       how messages name this notifier: "notifier 'security-teams' (type teams)"
     * @param webhookUrl the workflow's trigger URL, already checked against the HTTP rules
     * @param timeout    the longest one call may take (never past the notification's deadline either)
     */
    TeamsNotifier(String name, Secret webhookUrl, URI uri, Duration timeout, PluginContext context) {
        this.name = Objects.requireNonNull(name, "name");
        this.webhookUrl = Objects.requireNonNull(webhookUrl, "webhookUrl");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.context = Objects.requireNonNull(context, "context");
        // An executor of our own, so that close() ends the client's threads (HttpClient has no close before Java 21).
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "mfa-teams-http");
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .executor(executor)
                .build();
    }

    @Override
    public DeliveryResult send(Notification notification) {
        TeamsCard card = TeamsCard.render(notification);
        DeliveryResult result = post(card, notification);
        if (result instanceof DeliveryResult.Delivered) {
            log.debug("{}: delivered {} event(s) in a card of {} bytes ({})", name, notification.events().size(),
                    card.bytes(), notification.id());
        } else {
            log.debug("{}: attempt failed: {}", name, result);
        }
        return result;
    }

    private DeliveryResult post(TeamsCard card, Notification notification) {
        Duration remaining = notification.deadline().remaining();
        if (remaining.isZero()) {
            return DeliveryResult.retry(name + ": the card was not sent: the delivery deadline had passed");
        }
        Duration callTimeout = remaining.compareTo(timeout) < 0 ? remaining : timeout;
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(callTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "mfa-monitor")
                .POST(HttpRequest.BodyPublishers.ofString(card.json(), StandardCharsets.UTF_8))
                .build();
        CompletableFuture<Answer> call = client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(TeamsNotifier::read);
        Answer answer;
        try {
            // The request's timeout covers the answer's headers; this covers reading the body too.
            answer = call.get(Math.max(1, callTimeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return DeliveryResult.retry(name + ": the Workflows webhook did not answer within "
                    + callTimeout.toMillis() + " ms; the events stay pending");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return DeliveryResult.retry(name + ": the attempt was interrupted (the delivery deadline passed)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return DeliveryResult.retry(name + ": the Workflows webhook did not answer within "
                        + callTimeout.toMillis() + " ms; the events stay pending");
            }
            return DeliveryResult.retry(name + ": the Workflows webhook could not be reached (" + describe(cause)
                    + "); the events stay pending");
        }
        return TeamsAnswers.of(name, answer.status(), redact(answer.body()), answer.retryAfter(),
                context.clock().instant());
    }

    /** An answer as read: its status, the first 64 KiB of its body, its {@code Retry-After}. */
    private record Answer(int status, String body, Optional<String> retryAfter) {
    }

    private static Answer read(HttpResponse<InputStream> response) {
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            body = "";
        }
        return new Answer(response.statusCode(), body, response.headers().firstValue("Retry-After"));
    }

    /** An exception for people: its class and message, redacted first, then cleaned and cut. */
    private String describe(Throwable e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return quote(redact(text));
    }

    /**
     * Every secret out of a foreign text: the context's redactor knows every configured value and the parts of the
     * URL (its path segments, its {@code sig}); the URL itself is masked here too, in case a client echoes it.
     */
    private String redact(String text) {
        String redacted = context.redactor().redact(text);
        return redacted == null ? "" : webhookUrl.redact(redacted);
    }

    private static String quote(String redacted) {
        String text = SafeText.clean(redacted.replaceAll("[\\r\\n\\t]+", " ")).trim();
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    /** Ends the HTTP client's threads; never throws. */
    @Override
    public void close() {
        try {
            executor.shutdownNow();
        } catch (RuntimeException e) {
            log.warn("{}: stopping the HTTP client's threads failed ({}); continuing", name, e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
