package dev.mfamonitor.monitor.google;

import dev.mfamonitor.support.RuntimeSecrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.support.Backoff;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One request to Google with the retries Google asks for: truncated exponential backoff with jitter on 429, on 5xx,
 * on the 403 quota answers and when no answer came, every wait through the context's sleeper and only if it ends
 * before the scan's deadline. Redirects are never followed (a credential must not go where the configuration did not
 * say), and every text taken from an answer is redacted before it is cut into a message.
 */
final class GoogleHttp {
    static final int MAX_ATTEMPTS = 8;

    /** What to do with an answer that is not a 2xx. */
    sealed interface Verdict {
        /** Worth trying again after a wait; {@code reason} says what the server answered, for the final message. */
        record Retry(String reason, Optional<Duration> retryAfter) implements Verdict {
        }

        /** Retrying cannot help; the message says why and what to do. */
        record Fail(String message) implements Verdict {
        }

        /** The caller handles it itself (a 401 that asks for a new token). */
        record Hand() implements Verdict {
        }
    }

    /** Classifies a non-2xx answer. */
    @FunctionalInterface
    interface Classifier {
        Verdict classify(int status, String body, HttpResponse<String> response);
    }

    /** A 2xx answer (or a handed-back one), its body read as JSON. */
    record Answer(int status, JsonNode json) {
    }

    private final PluginContext context;
    private final RuntimeSecrets scrubber;
    private final ObjectMapper json;
    private final Duration timeout;
    private final Backoff backoff;
    private volatile HttpClient client;

    GoogleHttp(PluginContext context, RuntimeSecrets scrubber, ObjectMapper json, Duration timeout, Backoff backoff) {
        this.context = context;
        this.scrubber = scrubber;
        this.json = json;
        this.timeout = timeout;
        this.backoff = backoff;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                            .build();
                }
                c = client;
            }
        }
        return c;
    }

    /** Convenience for token endpoints: a message for a refusal, empty for an answer worth retrying. */
    Answer send(Supplier<HttpRequest.Builder> request, String what, Deadline deadline,
                java.util.function.BiFunction<Integer, String, Optional<String>> refusal) throws Exception {
        return send(request, what, deadline, (status, body, response) -> refusal.apply(status, body)
                .<Verdict>map(Verdict.Fail::new)
                .orElseGet(() -> new Verdict.Retry(status + " " + scrubber.quote(body), retryAfter(response))));
    }

    /**
     * Sends the request until it gets a 2xx, a failure the classifier calls final, or runs out of tries or time.
     *
     * @param what for messages: "users.list page 3 of customer my_customer"
     * @throws GoogleWorkspaceException with a message for people
     */
    Answer send(Supplier<HttpRequest.Builder> request, String what, Deadline deadline, Classifier classifier)
            throws Exception {
        String last = "";
        for (int attempt = 1; ; attempt++) {
            if (deadline.expired()) {
                throw new GoogleWorkspaceException("the scan's deadline passed before " + what + " was read"
                        + (last.isEmpty() ? "" : " (last answer: " + last + ")"));
            }
            Duration wait = deadline.remaining().compareTo(timeout) < 0 ? deadline.remaining() : timeout;
            HttpRequest built = request.get().timeout(wait.isZero() ? Duration.ofMillis(1) : wait).build();
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<String> response = client().send(built, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                String body = response.body() == null ? "" : response.body();
                if (status >= 200 && status < 300) {
                    return new Answer(status, parse(body, what, status));
                }
                if (status >= 300 && status < 400) {
                    throw new GoogleWorkspaceException(what + " answered a redirect (" + status + " to "
                            + scrubber.quote(response.headers().firstValue("Location").orElse("nowhere"))
                            + "), which is not followed; check endpoint and the key's token_uri");
                }
                Verdict verdict = classifier.classify(status, body, response);
                if (verdict instanceof Verdict.Fail fail) {
                    throw new GoogleWorkspaceException(fail.message());
                }
                if (verdict instanceof Verdict.Hand) {
                    return new Answer(status, parseQuietly(body));
                }
                Verdict.Retry retry = (Verdict.Retry) verdict;
                last = retry.reason();
                retryAfter = retry.retryAfter();
            } catch (HttpTimeoutException e) {
                last = "no answer within " + wait.toMillis() + " ms";
            } catch (IOException e) {
                last = "no answer (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + scrubber.quote(e.getMessage())) + ")";
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new GoogleWorkspaceException(what + " failed " + attempt + " times; last answer: " + last);
            }
            Optional<Duration> pause = backoff.next(attempt, retryAfter);
            if (pause.isEmpty()) {
                throw new GoogleWorkspaceException(what + " failed and Google asked to wait "
                        + retryAfter.map(Duration::toSeconds).orElse(0L) + " s before trying again, longer than this run "
                        + "waits; last answer: " + last);
            }
            if (!Backoff.sleepWithin(pause.get(), deadline, context.sleeper())) {
                throw new GoogleWorkspaceException(what + " failed " + attempt + (attempt == 1 ? " time" : " times")
                        + " and the next try would end after the scan's deadline; last answer: " + last);
            }
        }
    }

    /** The {@code Retry-After} of an answer, if it has one. */
    Optional<Duration> retryAfter(HttpResponse<String> response) {
        return response == null ? Optional.empty()
                : Backoff.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null), context.clock().instant());
    }

    private JsonNode parse(String body, String what, int status) throws GoogleWorkspaceException {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new GoogleWorkspaceException(what + " answered " + status + " with a body that is not a JSON object;"
                        + " check endpoint");
            }
            return node;
        } catch (IOException e) {
            throw new GoogleWorkspaceException(what + " answered " + status + " with a body that is not JSON: '"
                    + scrubber.quote(body) + "'; check endpoint");
        }
    }

    private JsonNode parseQuietly(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
