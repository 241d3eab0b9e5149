package dev.mfamonitor.notifier.pagerduty;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * {@code type: pagerduty}: changes as PagerDuty Events API v2 incidents, one per account without MFA.
 * <pre>{@code
 * - id: pager
 *   type: pagerduty
 *   routingKey: "${file:/run/secrets/pagerduty_routing_key}"
 *   route: { minSeverity: high }
 * }</pre>
 * Keys: {@code routingKey} (secret, required), {@code endpoint} (default {@value #DEFAULT_ENDPOINT}),
 * {@code timeout} (per request, default 10s), {@code maxIncidentsPerRun} (default {@value #DEFAULT_MAX_INCIDENTS}),
 * {@code baselineIncidents} (default false). See the module's README.
 */
public final class PagerDutyNotifierProvider implements NotifierProvider {
    /** Where events go unless {@code endpoint} says otherwise. */
    public static final String DEFAULT_ENDPOINT = "https://events.pagerduty.com";
    /** How long one request may take unless {@code timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The most requests one notification makes before account changes are summarised. */
    public static final int DEFAULT_MAX_INCIDENTS = 100;
    /** PagerDuty's integration keys are 32 characters. */
    private static final int ROUTING_KEY_LENGTH = 32;

    @Override
    public String type() {
        return "pagerduty";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        Secret routingKey = config.secret("routingKey");
        String endpoint = config.string("endpoint", DEFAULT_ENDPOINT).trim();
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        int maxIncidents = config.integer("maxIncidentsPerRun", DEFAULT_MAX_INCIDENTS);
        boolean baselineIncidents = config.bool("baselineIncidents", false);

        String key = routingKey.reveal();
        // The value is never shown: only its length and what is wrong with it.
        if (key.length() != ROUTING_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw config.error("routingKey", "is not a PagerDuty routing key (it has " + key.length() + " characters"
                    + (key.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? "" : ", some of them spaces, line breaks or "
                    + "characters outside printable ASCII") + "; a routing key has " + ROUTING_KEY_LENGTH + "): copy the "
                    + "Integration Key of the service's Events API v2 integration into the variable or file it is read from");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw config.error("timeout", "must be longer than 0s");
        }
        if (maxIncidents < 1) {
            throw config.error("maxIncidentsPerRun", "must be at least 1 (is " + maxIncidents + ")");
        }
        URI enqueue = enqueueUri(config, context, endpoint);
        String name = config.describe();
        return new PagerDutyNotifier(name, enqueue, routingKey, timeout,
                new IncidentMapping(maxIncidents, baselineIncidents), context);
    }

    /** {@code {endpoint}/v2/enqueue}; https, or http to a loopback address only, by the context's HTTP rules. */
    private static URI enqueueUri(PluginConfig config, PluginContext context, String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw config.error("endpoint", "'" + endpoint + "' is not a URL; write it as https://events.pagerduty.com");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw config.error("endpoint", "'" + endpoint + "' is not an absolute URL with a host and without user, "
                    + "query or fragment; write it as https://events.pagerduty.com");
        }
        try {
            context.http().requireSecureEndpoint("endpoint", uri);
        } catch (ConfigException e) {
            throw new ConfigException(context.redactor().redact(e.getMessage()));
        }
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return URI.create(base + "/v2/enqueue");
    }
}
