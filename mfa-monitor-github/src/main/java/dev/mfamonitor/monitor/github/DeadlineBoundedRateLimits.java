package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Backoff;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits out GitHub's rate limits, but never past the scan's deadline.
 *
 * <p>github-api's default handlers sleep in the calling thread for as long as GitHub says, unbounded by our deadline:
 * a monitor would then hang until the engine interrupts it and report nothing useful. Here a wait that ends before
 * the deadline is slept (then github-api repeats the request); a longer one fails the scan at once with a message
 * that says when the limit resets.
 *
 * <p>The primary limit ({@code x-ratelimit-remaining: 0}) lasts until {@code x-ratelimit-reset}; a secondary limit
 * asks for {@code retry-after} seconds, and without that header GitHub asks for at least a minute. github-api sends a
 * 403 primary limit to the rate-limit handler and a 429 (either kind) or a 403 with {@code retry-after} to the abuse
 * handler; both land here.
 */
final class DeadlineBoundedRateLimits {
    private static final Logger log = LoggerFactory.getLogger(DeadlineBoundedRateLimits.class);
    private static final Duration SECONDARY_WITHOUT_RETRY_AFTER = Duration.ofSeconds(60);

    private final String organization;
    private final Instant deadline;
    private final Clock clock;

    DeadlineBoundedRateLimits(String organization, Instant deadline, Clock clock) {
        this.organization = organization;
        this.deadline = deadline;
        this.clock = clock;
    }

    GitHubRateLimitHandler primary() {
        return new GitHubRateLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                waitOrFail(response);
            }
        };
    }

    GitHubAbuseLimitHandler secondary() {
        return new GitHubAbuseLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                waitOrFail(response);
            }
        };
    }

    /** Thrown when a rate limit lasts past the deadline; its message is shown to people as is. */
    static final class RateLimitedPastDeadline extends IOException {
        private static final long serialVersionUID = 1L;

        RateLimitedPastDeadline(String message) {
            super(message);
        }
    }

    void waitOrFail(GitHubConnectorResponse response) throws IOException {
        Instant now = clock.instant();
        boolean primary = "0".equals(trimmed(response.header("x-ratelimit-remaining")))
                && response.header("x-ratelimit-reset") != null;
        Duration wait;
        String kind;
        if (primary) {
            kind = "primary rate limit (x-ratelimit-remaining: 0)";
            wait = resetWait(response.header("x-ratelimit-reset"), now).orElse(SECONDARY_WITHOUT_RETRY_AFTER);
        } else {
            kind = "secondary rate limit";
            wait = Backoff.parseRetryAfter(response.header("retry-after"), now).orElse(SECONDARY_WITHOUT_RETRY_AFTER);
        }
        Instant resumeAt = now.plus(wait);
        String path = response.request().url().getPath();
        if (resumeAt.isAfter(deadline)) {
            throw new RateLimitedPastDeadline("GitHub's " + kind + " for org " + organization + " (HTTP "
                    + response.statusCode() + " on GET " + path + ") lasts until " + resumeAt + ", past this scan's deadline "
                    + deadline + ": the snapshot is not taken. Poll less often, give the monitor a longer timeout, or use a "
                    + "token whose budget is not shared with other tools");
        }
        log.info("GitHub {} for org {} on GET {}: waiting {} ms, then retrying", kind, organization, path, wait.toMillis());
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for GitHub's " + kind + " for org " + organization);
        }
    }

    private static Optional<Duration> resetWait(String header, Instant now) {
        try {
            Instant reset = Instant.ofEpochSecond(Long.parseLong(header.trim()));
            Duration wait = Duration.between(now, reset);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
