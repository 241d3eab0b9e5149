package dev.mfamonitor.notifier.slack;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What one try to post a message came to. Every text in it is for people and already free of secrets. */
sealed interface Attempt {

    /** Slack took the message. */
    record Delivered() implements Attempt {
    }

    /**
     * A failure that may pass (a rate limit, a 5xx, a timeout): try again.
     *
     * @param reason     what happened, such as "Slack answered 500 rollup_error"
     * @param retryAfter how long Slack asked us to wait, when it said so
     */
    record Retry(String reason, Optional<Duration> retryAfter) implements Attempt {
        public Retry {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * A failure that trying again at once cannot mend.
     *
     * @param message   what happened and what to do
     * @param permanent whether a person must change something (a revoked token, an archived channel) before any
     *                  later run can succeed
     */
    record Failed(String message, boolean permanent) implements Attempt {
        public Failed {
            Objects.requireNonNull(message, "message");
        }
    }
}
