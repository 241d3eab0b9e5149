package dev.mfamonitor.notifier.teams;

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
import java.util.Locale;

/**
 * {@code type: teams}, a Microsoft Teams channel through a Workflows webhook:
 * <pre>{@code
 * - { id: security-teams, type: teams, webhookUrl: "${file:/run/secrets/teams_webhook}" }
 * }</pre>
 * Keys: {@code webhookUrl} (secret, required: the URL of the trigger of a workflow made from the template "Post to a
 * channel when a webhook request is received"; https, or http to a loopback address, by the context's HTTP rules) and
 * {@code timeout} (per HTTP call, default 10s, never past the delivery deadline). Microsoft 365 connector URLs
 * ({@code ...webhook.office.com/webhookb2/...}) are refused: those connectors are retired. Nothing touches the network
 * here. See the module's README.
 */
public final class TeamsNotifierProvider implements NotifierProvider {
    /** How long one HTTP call may take unless {@code timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final String HOW_TO = "; in the Teams channel choose 'Workflows', create one from the template "
            + "'Post to a channel when a webhook request is received' and copy the URL it shows";

    @Override
    public String type() {
        return "teams";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        Secret webhookUrl = config.optionalSecret("webhookUrl").orElseThrow(() -> config.error("webhookUrl",
                "is required: the workflow's webhook URL, written ${env:NAME} or ${file:PATH}" + HOW_TO));
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw config.error("timeout", "must be longer than 0s, such as 10s");
        }
        URI uri = checkedUrl(config, context, webhookUrl.reveal().trim());
        return new TeamsNotifier(config.describe(), webhookUrl, uri, timeout, context);
    }

    /**
     * An absolute https URL (or http to a loopback address) by the context's HTTP rules, without user info, that is
     * not a retired connector's. The value is never shown: its {@code sig} parameter is the credential, and the
     * context's redactor learns this instance's secrets only once create returns, so the rules' message is masked here.
     */
    private static URI checkedUrl(PluginConfig config, PluginContext context, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw config.error("webhookUrl", "is not a URL (the value is not shown, as it holds the webhook's "
                    + "signature)" + HOW_TO);
        }
        try {
            context.http().requireSecureEndpoint("webhookUrl", uri);
        } catch (ConfigException e) {
            throw new ConfigException(context.redactor().redact(e.getMessage()).replace(uri.toString(), "****")
                    .replace(value, "****") + HOW_TO);
        }
        if (uri.getRawUserInfo() != null || uri.getHost() == null) {
            throw config.error("webhookUrl", "is not an absolute https URL without user info (the value is not "
                    + "shown)" + HOW_TO);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().toLowerCase(Locale.ROOT);
        boolean legacyHost = host.equals("outlook.office.com") || host.equals("outlook.office365.com");
        if ((legacyHost && path.startsWith("/webhook/"))
                || (host.endsWith(".webhook.office.com") && path.startsWith("/webhookb2/"))) {
            throw config.error("webhookUrl", "is a Microsoft 365 connector (Incoming Webhook) URL, and those "
                    + "connectors are retired: Teams takes webhooks through Workflows now" + HOW_TO);
        }
        return uri;
    }
}
