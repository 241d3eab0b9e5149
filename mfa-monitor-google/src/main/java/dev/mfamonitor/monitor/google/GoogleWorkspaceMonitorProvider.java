package dev.mfamonitor.monitor.google;

import dev.mfamonitor.support.RuntimeSecrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.support.Backoff;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code type: google-workspace}: the 2-Step Verification of every user of one Google Workspace customer.
 *
 * <pre>
 * monitors:
 *   - id: workspace-acme
 *     type: google-workspace
 *     serviceAccountKey: "${file:/run/secrets/workspace-key.json}"   # the service account's JSON key
 *     adminEmail: mfa-monitor-reader@acme.example                    # an admin with Users &gt; Read
 *     # customer: my_customer   endpoint: https://admin.googleapis.com   timeout: 30s
 * </pre>
 *
 * <p>Validation only (the key is parsed, its private key read); no request is made until the first snapshot.
 */
public final class GoogleWorkspaceMonitorProvider implements MonitorProvider {
    static final String DEFAULT_ENDPOINT = "https://admin.googleapis.com";
    static final String DEFAULT_CUSTOMER = "my_customer";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Google's guidance for quota errors: truncated exponential backoff, 1 s doubling up to 32 s, with jitter. */
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(32));
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,200}@[^@\\s]{1,200}\\.[^@\\s.]{1,63}");
    private static final Pattern CUSTOMER = Pattern.compile("my_customer|C[0-9a-zA-Z]{5,20}");

    @Override
    public String type() {
        return "google-workspace";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        ObjectMapper json = new ObjectMapper();
        Secret keySecret = config.secret("serviceAccountKey");
        String adminEmail = config.string("adminEmail").strip();
        if (!EMAIL.matcher(adminEmail).matches()) {
            throw config.error("adminEmail", "'" + adminEmail + "' is not an email address; give the primary email of "
                    + "the administrator the service account acts as");
        }
        String customer = config.string("customer", DEFAULT_CUSTOMER).strip();
        if (!CUSTOMER.matcher(customer).matches()) {
            throw config.error("customer", "'" + customer + "' is not a customer; write my_customer (the admin's own) or "
                    + "the customer ID from Account > Account settings (such as C01234abc)");
        }
        URI endpoint = endpoint(config, context);
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw config.error("timeout", "must be positive, such as 30s");
        }
        ServiceAccountKey key = ServiceAccountKey.parse(keySecret, config, context.http(), json);
        RuntimeSecrets scrubber = new RuntimeSecrets(context.redactor());
        scrubber.addAll(key.secretForms());
        GoogleWorkspaceSettings settings = new GoogleWorkspaceSettings(key, adminEmail, customer, endpoint, timeout, context);
        GoogleHttp http = new GoogleHttp(context, scrubber, json, timeout, BACKOFF);
        AccessTokens tokens = new AccessTokens(key, adminEmail, context, scrubber, json, http);
        DirectoryClient directory = new DirectoryClient(endpoint, customer, adminEmail, tokens, http, scrubber, json);
        return new GoogleWorkspaceMonitor(settings, directory);
    }

    private static URI endpoint(PluginConfig config, PluginContext context) {
        String text = config.string("endpoint", DEFAULT_ENDPOINT).strip();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw config.error("endpoint", "'" + text + "' is not a URL; write it like " + DEFAULT_ENDPOINT);
        }
        uri = context.http().requireSecureEndpoint("endpoint", uri);
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw config.error("endpoint", "must be a plain origin such as " + DEFAULT_ENDPOINT + " (no query, fragment or user)");
        }
        return uri;
    }
}
