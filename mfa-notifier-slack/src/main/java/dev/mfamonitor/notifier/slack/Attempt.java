package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.DeliveryResult;

import java.util.Objects;

/**
 * What posting one message came to.
 *
 * @param result  delivered, or why not; every text in it is free of secrets
 * @param tooLong whether Slack refused the message as too long ({@code msg_blocks_too_long}), so that a smaller one
 *                may be tried instead of the same one again
 */
record Attempt(DeliveryResult result, boolean tooLong) {
    Attempt {
        Objects.requireNonNull(result, "result");
    }
}
