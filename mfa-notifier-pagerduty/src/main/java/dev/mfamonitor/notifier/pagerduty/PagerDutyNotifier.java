package dev.mfamonitor.notifier.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.support.Backoff;
import dev.mfamonitor.support.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends a notification to the PagerDuty Events API v2 as one request per incident change, serially, in the order the
 * events occurred; one attempt per {@link #send}, the engine retries.
 *
 * <p>202 is accepted. A 400 ("invalid event") refuses one event: the others are still sent, and the attempt ends
 * permanent, naming the field PagerDuty named. 408, 429 and 5xx (with their {@code Retry-After}), timeouts and network
 * errors end the attempt as transient: the rest waits for the engine's next try. That try skips what PagerDuty already
 * accepted in this notification (remembered in memory, by request), so a 429 storm over 50 events makes progress
 * instead of sending event 1 again each time; a restarted process sends everything again, which PagerDuty takes as
 * the same incidents by {@code dedup_key}. Every other status is permanent. Redirects are never followed.
 *
 * <p>The routing key is only ever in the request body. Every text taken from an answer goes through the context's
 * redactor before it is cut and quoted.
 */
final class PagerDutyNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_QUOTED_CHARS = 300;
    /** Notifications whose accepted requests are remembered for the engine's next try; a run has one or two. */
    private static final int REMEMBERED_NOTIFICATIONS = 8;

    private final String name;
    private final URI enqueue;
    private final Secret routingKey;
    private final Duration timeout;
    private final IncidentMapping mapping;
    private final PluginContext context;
    private final ExecutorService executor;
    private final HttpClient client;
    /** Notification id to the fingerprints of its requests PagerDuty accepted, while it is not delivered in full. */
    private final Map<String, Set<String>> accepted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > REMEMBERED_NOTIFICATIONS;
        }
    };

    /**
     * @param name    how messages name this notifier: "notifier 'pager' (type pagerduty)"
     * @param enqueue {@code {endpoint}/v2/enqueue}, already checked against the HTTP rules
     * @param timeout the longest one request may take (never past the notification's deadline either)
     */
    PagerDutyNotifier(String name, URI enqueue, Secret routingKey, Duration timeout, IncidentMapping mapping,
                      PluginContext context) {
        this.name = Objects.requireNonNull(name, "name");
        this.enqueue = Objects.requireNonNull(enqueue, "enqueue");
        this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.context = Objects.requireNonNull(context, "context");
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "mfa-monitor-pagerduty-http");
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
        List<PagerDutyEvent> requests = mapping.map(notification.events());
        if (requests.isEmpty()) {
            LOG.debug("{}: none of the {} event(s) opens or resolves an incident; nothing to send", name,
                    notification.events().size());
            return DeliveryResult.delivered();
        }
        Set<String> done;
        synchronized (accepted) {
            done = accepted.computeIfAbsent(notification.id(), id -> new HashSet<>());
        }
        List<String> refused = new ArrayList<>();
        int sent = 0;
        for (int i = 0; i < requests.size(); i++) {
            PagerDutyEvent request = requests.get(i);
            String body = body(request);
            String fingerprint = fingerprint(body);
            if (done.contains(fingerprint)) {
                continue;
            }
            String what = name + ": event " + (i + 1) + " of " + requests.size() + " (" + request.action() + ", "
                    + request.what() + ")";
            Outcome outcome = post(body, what, notification);
            switch (outcome.kind()) {
                case ACCEPTED -> {
                    done.add(fingerprint);
                    sent++;
                }
                case REFUSED -> refused.add(outcome.reason());
                case TRANSIENT -> {
                    LOG.debug("{}: attempt stopped after {} accepted request(s): {}", name, sent, outcome.reason());
                    String reason = outcome.reason() + "; " + done.size() + " of " + requests.size()
                            + " accepted so far, the rest waits for the next try";
                    return outcome.retryAfter().map(wait -> DeliveryResult.retryAfter(reason, wait))
                            .orElseGet(() -> DeliveryResult.retry(reason));
                }
                case PERMANENT -> {
                    return DeliveryResult.permanent(outcome.reason());
                }
            }
        }
        if (!refused.isEmpty()) {
            int others = requests.size() - refused.size();
            return DeliveryResult.permanent(refused.get(0) + (refused.size() > 1 ? " (and " + (refused.size() - 1)
                    + " more event(s) refused)" : "") + (others > 0 ? "; the other " + others + " event(s) were accepted"
                    : ""));
        }
        synchronized (accepted) {
            accepted.remove(notification.id());
        }
        LOG.debug("{}: {} event(s) as {} request(s), {} sent in this attempt", name, notification.events().size(),
                requests.size(), sent);
        return DeliveryResult.delivered();
    }

    private String body(PagerDutyEvent request) {
        ObjectNode event = JSON.createObjectNode();
        event.put("routing_key", routingKey.reveal());
        event.put("event_action", request.action());
        event.put("dedup_key", request.dedupKey());
        request.payload().ifPresent(payload -> {
            event.set("payload", payload);
            event.put("client", "mfa-monitor");
        });
        return event.toString();
    }

    private Outcome post(String body, String what, Notification notification) {
        Duration remaining = notification.deadline().remaining();
        if (remaining.isZero()) {
            return Outcome.retry(what + " was not sent: the delivery deadline had passed", Optional.empty());
        }
        HttpRequest request = HttpRequest.newBuilder(enqueue)
                .timeout(remaining.compareTo(timeout) < 0 ? remaining : timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "mfa-monitor")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            String reason = redact(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return Outcome.retry(what + " failed: PagerDuty could not be reached (" + quote(reason) + ")", Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry(what + " was interrupted (the delivery deadline passed)", Optional.empty());
        }
        int status = response.statusCode();
        if (status >= 200 && status <= 299) {
            return Outcome.ACCEPTED_OUTCOME;
        }
        String answer = quoted(response.body());
        if (status == 400) {
            return Outcome.refused(what + " was refused: PagerDuty answered 400 " + invalidEvent(response.body()));
        }
        if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
            Optional<Duration> retryAfter = response.headers().firstValue("Retry-After")
                    .flatMap(value -> Backoff.parseRetryAfter(value, context.clock().instant()));
            String why = status == 429 ? " (more than about 120 events a minute for this routing key)" : "";
            return Outcome.retry(what + " failed: PagerDuty answered " + status + answer + why
                    + retryAfter.map(d -> " and asked to retry after " + d.toSeconds() + " s").orElse(""), retryAfter);
        }
        String advice = switch (status) {
            case 301, 302, 303, 307, 308 -> "a redirect, never followed: set endpoint to the address that serves the "
                    + "Events API (https://events.pagerduty.com, or events.eu.pagerduty.com for the EU service region)";
            case 401, 403 -> "check routingKey: the Integration Key of an Events API v2 integration";
            case 404, 405 -> "nothing takes events at " + enqueue + ": check endpoint";
            case 413 -> "the event was too large for PagerDuty (512 KB)";
            default -> "retrying it unchanged cannot help";
        };
        return Outcome.permanent(what + " failed: PagerDuty answered " + status + answer + "; " + advice);
    }

    /**
     * PagerDuty's 400 body, {@code {"status":"invalid event","message":"Event object is invalid","errors":[...]}}, as
     * "'invalid event' (Event object is invalid: 'payload.summary' is missing)", with advice when it names the key.
     */
    private String invalidEvent(String body) {
        String redacted = redact(body);
        try {
            JsonNode answer = JSON.readTree(redacted);
            if (answer != null && answer.isObject()) {
                List<String> errors = new ArrayList<>();
                // Redacted again once parsed: a JSON unicode escape may spell a secret the raw text did not show.
                answer.path("errors").forEach(error -> errors.add(redact(error.asText())));
                if (answer.path("errors").isTextual()) {
                    errors.add(redact(answer.path("errors").asText()));
                }
                String text = "'" + quote(redact(answer.path("status").asText("invalid event"))) + "' ("
                        + quote(redact(answer.path("message").asText(""))) + (errors.isEmpty() ? "" : ": "
                        + quote(String.join("; ", errors))) + ")";
                String all = String.join(" ", errors).toLowerCase(java.util.Locale.ROOT);
                String advice = all.contains("routing_key") || all.contains("routing key")
                        ? "; check routingKey: the 32-character Integration Key of an Events API v2 integration"
                        : "";
                return text + advice;
            }
        } catch (IOException notJson) {
            // quoted as text below
        }
        return "'" + quote(redacted) + "'";
    }

    /** " 'the start of the body'", redacted before it is cut; empty when there is none. */
    private String quoted(String body) {
        String text = quote(redact(body == null ? "" : body));
        return text.isEmpty() ? "" : " '" + text + "'";
    }

    private String redact(String text) {
        return context.redactor().redact(routingKey.redact(text));
    }

    /** An already redacted text without line breaks or control characters, cut to {@value #MAX_QUOTED_CHARS}. */
    private static String quote(String redacted) {
        String text = SafeText.clean(redacted.replaceAll("[\\r\\n\\t]+", " ")).trim();
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    /** A request's identity within a notification; the routing key is part of the body but never leaves this hash. */
    private static String fingerprint(String body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return name + " -> " + enqueue;
    }

    private enum Kind { ACCEPTED, REFUSED, TRANSIENT, PERMANENT }

    /** What one request came to. */
    private record Outcome(Kind kind, String reason, Optional<Duration> retryAfter) {
        static final Outcome ACCEPTED_OUTCOME = new Outcome(Kind.ACCEPTED, "", Optional.empty());

        static Outcome refused(String reason) {
            return new Outcome(Kind.REFUSED, reason, Optional.empty());
        }

        static Outcome retry(String reason, Optional<Duration> retryAfter) {
            return new Outcome(Kind.TRANSIENT, reason, retryAfter);
        }

        static Outcome permanent(String reason) {
            return new Outcome(Kind.PERMANENT, reason, Optional.empty());
        }
    }
}
