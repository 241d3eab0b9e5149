package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Notifier type {@code webhook}:
 * {@code { id: siem, type: webhook, url: "https://siem.example.com/hooks/mfa", secret: "${env:WEBHOOK_SECRET}" }}.
 *
 * <p>Keys (the module's README has the full story): {@code url} (required; https, or http to a loopback address, by
 * the context's HTTP rules), {@code secret} (Standard Webhooks signing secret, {@code whsec_} followed by the base64 of
 * at least 24 key bytes, the form the official libraries take; without it requests are unsigned), {@code timeout}
 * (per request, default 30s, never past the delivery deadline), {@code maxEventsPerRequest} (default
 * {@value #DEFAULT_MAX_EVENTS}), {@code headers} (a block of extra headers, values treated as secrets). Nothing touches
 * the network here.
 */
public final class WebhookNotifierProvider implements NotifierProvider {
    static final int DEFAULT_MAX_EVENTS = 500;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifierProvider.class);
    /** Headers the notifier sets itself, or that HTTP framing owns. */
    private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature",
            "content-type", "content-length", "content-encoding", "transfer-encoding", "host", "connection");

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        // The URL is read as a secret: the path or query of a webhook address is often a token.
        Secret url = config.optionalSecret("url").orElseThrow(() -> config.error("url",
                "is required: the receiver's address, such as https://siem.example.com/hooks/mfa"));
        HttpUrl endpoint = endpoint(config, context, url.reveal().trim());

        Optional<SigningKey> signingKey = config.optionalSecret("secret").map(secret -> {
            SigningKey.Result parsed = SigningKey.parse(secret.reveal());
            return parsed.key().orElseThrow(() -> config.error("secret", parsed.problem().orElseThrow()));
        });

        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw config.error("timeout", "must be longer than zero, such as 30s");
        }
        int maxEventsPerRequest = config.integer("maxEventsPerRequest", DEFAULT_MAX_EVENTS);
        if (maxEventsPerRequest < 1) {
            throw config.error("maxEventsPerRequest", maxEventsPerRequest + " is not valid; use 1 or more (default "
                    + DEFAULT_MAX_EVENTS + ")");
        }
        Map<String, Secret> headers = headers(config);

        if (signingKey.isEmpty()) {
            LOG.warn("{}: no 'secret' is set, so requests are not signed and the receiver cannot tell them from forgeries",
                    config.describe());
        }
        return new WebhookNotifier(config.describe(), endpoint, signingKey, headers, timeout, maxEventsPerRequest, context);
    }

    private static HttpUrl endpoint(PluginConfig config, PluginContext context, String text) {
        HttpUrl parsed = HttpUrl.parse(text);
        URI uri = null;
        try {
            uri = parsed == null ? null : new URI(text);
        } catch (URISyntaxException e) {
            parsed = null;
        }
        if (parsed == null || uri == null) {
            // Not shown: a mistyped URL may still carry the token it was meant to hold.
            throw config.error("url", "is not an absolute http or https URL (the value is not shown, as it may hold a token);"
                    + " write it as https://host/path");
        }
        if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
            throw config.error("url", "holds a user name or password; put credentials under headers (such as "
                    + "Authorization: \"${env:WEBHOOK_AUTH}\"), where they are treated as secrets");
        }
        try {
            context.http().requireSecureEndpoint("url", uri);
        } catch (ConfigException e) {
            // The rules' message may quote the URL, a secret; the context's redactor learns this instance's secrets
            // only once create returns, so the value is masked here too.
            throw new ConfigException(context.redactor().redact(e.getMessage()).replace(uri.toString(), "****"));
        }
        return parsed;
    }

    private static Map<String, Secret> headers(PluginConfig config) {
        Map<String, Secret> headers = new LinkedHashMap<>();
        Optional<PluginConfig> section = config.section("headers");
        if (section.isEmpty()) {
            return headers;
        }
        PluginConfig block = section.get();
        for (String header : block.keys()) {
            if (!header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw config.error("headers", "'" + header.replaceAll("[^\\x20-\\x7e]", "?")
                        + "' is not a valid HTTP header name");
            }
            if (RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                throw config.error("headers", "'" + header + "' is set by the notifier itself and cannot be configured");
            }
            Secret value = block.optionalSecret(header).orElseThrow(() -> config.error("headers",
                    "'" + header + "' has no value"));
            // Checked here because OkHttp's own error would quote the value.
            if (!value.reveal().chars().allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7e))) {
                throw config.error("headers", "the value of '" + header + "' holds a line break or a character outside"
                        + " printable ASCII (the value is not shown)");
            }
            headers.put(header, value);
        }
        return headers;
    }
}
