package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Deadline;

/** One way of posting a message to Slack: an incoming webhook or {@code chat.postMessage} with a bot token. */
interface SlackTransport extends AutoCloseable {

    /**
     * Posts the message once, without retrying, ending by {@code deadline}; never throws for what Slack or the network
     * answered.
     */
    Attempt post(SlackMessage message, Deadline deadline);

    /** Releases the HTTP client's connections and threads. */
    @Override
    void close();
}
