package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Redactor;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one HTTP call of an attempt, for both transports, with the JDK's client:
 * <ul>
 * <li>no redirect followed (DESIGN.md: a redirect could carry the message, or the token, elsewhere);</li>
 * <li>no silent retry: the engine owns retries;</li>
 * <li>each call, its answer's body included, ends by the notification's deadline, and within {@code timeout};</li>
 * <li>nothing logs a request URL, which for an incoming webhook is the secret itself;</li>
 * <li>every text taken from an answer or an exception goes through the context's redactor before it is cut.</li>
 * </ul>
 */
final class SlackHttp implements AutoCloseable {
    private static final String JSON = "application/json; charset=utf-8";
    /** Slack's answers are short; more than this of a body is never read. */
    private static final int MAX_BODY_BYTES = 65_536;
    /** The longest exception text a reason quotes. */
    private static final int MAX_QUOTED_CHARS = 200;

    private final HttpClient client;
    private final Duration timeout;
    private final Redactor redactor;

    SlackHttp(Duration timeout, Redactor redactor) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
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
    Answer post(URI url, Optional<String> bearer, String json, Duration callTimeout) throws IOException {
        long millis = Math.max(1, callTimeout.toMillis());
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofMillis(millis))
                .header("User-Agent", "mfa-monitor")
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        // The request's timeout ends at the answer's headers; the wait on the future bounds the body too.
        CompletableFuture<HttpResponse<String>> call = client.sendAsync(request.build(), info -> new Limited());
        HttpResponse<String> response;
        try {
            response = call.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + millis + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for Slack");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(describe(cause));
        }
        return new Answer(response.statusCode(), redactor.redact(response.body()),
                response.headers().firstValue("Retry-After"));
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

    /** The JDK's client holds no threads or connections that outlive it once it is unreachable; nothing to do. */
    @Override
    public void close() {
    }

    /** Reads at most {@value #MAX_BODY_BYTES} bytes of a body, as UTF-8, and stops reading there. */
    private static final class Limited implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final byte[] bytes = new byte[MAX_BODY_BYTES];
        private int length;
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), MAX_BODY_BYTES - length);
                buffer.get(bytes, length, take);
                length += take;
            }
            if (length == MAX_BODY_BYTES && !body.isDone()) {
                subscription.cancel();
                onComplete();
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }
    }
}
