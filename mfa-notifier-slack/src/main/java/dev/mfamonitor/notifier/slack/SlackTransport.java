package dev.mfamonitor.notifier.slack;

/** One way of posting a message to Slack: an incoming webhook or {@code chat.postMessage} with a bot token. */
interface SlackTransport extends AutoCloseable {

    /** Posts the message once, without retrying; never throws for what Slack or the network answered. */
    Attempt post(SlackMessage message);

    /** Releases the HTTP client's connections and threads. */
    @Override
    void close();
}
