package dev.mfamonitor.notifier.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.util.http.SlackHttpClient;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;

/** Builds and closes the SDK's client the way this notifier needs it. */
final class SlackClients {
    private static final Logger log = LoggerFactory.getLogger(SlackClients.class);

    private SlackClients() {
    }

    /**
     * A client of its own (never the SDK's shared singleton, so closing it closes only ours):
     * <ul>
     * <li>no redirects followed (DESIGN.md: a redirect could carry the message, or the token, elsewhere);</li>
     * <li>{@code timeout} for connecting, reading, writing and the whole call;</li>
     * <li>none of the SDK's response listeners: at debug level they log each request's URL, which for an incoming
     *     webhook is the secret itself;</li>
     * <li>no "stats": with them on, the SDK makes a hidden {@code auth.test} call per token;</li>
     * <li>Web API calls go to {@code methodsUrlPrefix} ({@code https://slack.com/api/} unless configured).</li>
     * </ul>
     */
    static Slack create(Duration timeout, String methodsUrlPrefix) {
        SlackConfig config = new SlackConfig();
        config.setHttpClientResponseHandlers(new ArrayList<>());
        config.setPrettyResponseLoggingEnabled(false);
        config.getMethodsConfig().setStatsEnabled(false);
        config.setMethodsEndpointUrlPrefix(methodsUrlPrefix);
        OkHttpClient http = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .build();
        return Slack.getInstance(config, new SlackHttpClient(http));
    }

    /** Closes the client, which declares {@code Exception}; a failure is logged, never thrown. */
    static void close(Slack slack) {
        try {
            slack.close();
        } catch (Exception e) {
            log.warn("closing the Slack client failed: {}", e.getClass().getName());
        }
    }
}
