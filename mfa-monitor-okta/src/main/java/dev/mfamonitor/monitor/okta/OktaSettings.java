package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The validated configuration of one {@code okta} monitor (one org).
 *
 * @param orgUrl           the org's origin without a trailing slash ({@code https://acme.okta.com})
 * @param credential       the API token or the service app
 * @param timeout          how long one HTTP request may take
 * @param fullScanInterval how often every user's factors are read; in between only what the System Log names
 * @param reservePercent   the share of each rate-limit bucket left free for the org's other integrations
 */
record OktaSettings(URI orgUrl, Credential credential, Duration timeout, Duration fullScanInterval, int reservePercent) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_FULL_SCAN_INTERVAL = Duration.ofHours(24);
    static final int DEFAULT_RESERVE_PERCENT = 20;
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /** How the monitor authenticates. */
    sealed interface Credential {
        /** An API token ({@code Authorization: SSWS ...}), acting as the admin who created it. */
        record ApiToken(Secret token) implements Credential {
        }

        /** An API service app: a {@code private_key_jwt} client assertion for a scoped access token. */
        record ServiceApp(String clientId, ServiceAppKey key) implements Credential {
        }
    }

    static OktaSettings from(PluginConfig config, PluginContext context) {
        URI orgUrl = orgUrl(config, context);
        Optional<Secret> token = config.optionalSecret("token");
        Optional<String> clientId = config.optionalString("clientId").map(String::strip);
        Optional<Secret> privateKey = config.optionalSecret("privateKey");
        Optional<String> keyId = config.optionalString("keyId").map(String::strip).filter(k -> !k.isEmpty());
        Credential credential;
        if (token.isPresent()) {
            if (clientId.isPresent() || privateKey.isPresent()) {
                throw config.error("token", "set either token (an API token) or clientId and privateKey (a service "
                        + "app), not both");
            }
            if (token.get().reveal().isBlank()) {
                throw config.error("token", "is empty; check the variable or file it is read from");
            }
            if (token.get().reveal().strip().contains(" ")) {
                throw config.error("token", "holds a space; give the token value only, without 'SSWS '");
            }
            credential = new Credential.ApiToken(new Secret(token.get().reveal().strip()));
        } else if (clientId.isPresent() || privateKey.isPresent()) {
            if (clientId.isEmpty()) {
                throw config.error("clientId", "missing: a service app needs its client ID (Applications > the API "
                        + "Services app > General > Client ID) beside privateKey");
            }
            if (!CLIENT_ID.matcher(clientId.get()).matches()) {
                throw config.error("clientId", "'" + clientId.get() + "' is not a client ID like 0oa1b2c3d4e5f6g7h8i9");
            }
            if (privateKey.isEmpty()) {
                throw config.error("privateKey", "missing: a service app needs the private key whose public key is "
                        + "registered with it, written ${env:NAME} or ${file:PATH}");
            }
            credential = new Credential.ServiceApp(clientId.get(), ServiceAppKey.parse(privateKey.get(), keyId, config));
        } else {
            throw config.error("token", "missing: set token (an API token, written ${env:NAME} or ${file:PATH}) or "
                    + "clientId and privateKey (an API Services app with private_key_jwt)");
        }
        if (keyId.isPresent() && credential instanceof Credential.ApiToken) {
            throw config.error("keyId", "is for a service app's private key; an API token has none");
        }
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw config.error("timeout", "must be positive, such as 30s");
        }
        Duration interval = config.duration("fullScanInterval", DEFAULT_FULL_SCAN_INTERVAL);
        if (interval.isNegative()) {
            throw config.error("fullScanInterval", "must not be negative (0 reads every user's factors on every run)");
        }
        int reserve = config.integer("rateLimitReservePercent", DEFAULT_RESERVE_PERCENT);
        if (reserve < 0 || reserve > 90) {
            throw config.error("rateLimitReservePercent", reserve + " is not between 0 and 90 (the share of each Okta "
                    + "rate limit left free for other integrations)");
        }
        return new OktaSettings(orgUrl, credential, timeout, interval, reserve);
    }

    private static URI orgUrl(PluginConfig config, PluginContext context) {
        String text = config.string("orgUrl").strip();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw config.error("orgUrl", "'" + text + "' is not a URL; write it like https://acme.okta.com");
        }
        if (uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw config.error("orgUrl", "'" + text + "' must be the org's origin only, like https://acme.okta.com "
                    + "(no path such as /oauth2/default, no query)");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.matches(".*-admin\\.(okta|oktapreview|okta-emea)\\.com")) {
            throw config.error("orgUrl", "'" + text + "' is the Admin Console's address; the API is on the org URL "
                    + "without '-admin' (" + uri.getScheme() + "://" + host.replace("-admin.", ".") + ")");
        }
        return context.http().requireSecureEndpoint("orgUrl", uri);
    }

    /** The org authorization server's token endpoint, also the {@code aud} of the client assertion. */
    URI tokenUri() {
        return URI.create(orgUrl + "/oauth2/v1/token");
    }

    /** The org's host, for messages. */
    String org() {
        return orgUrl.getHost() + (orgUrl.getPort() < 0 ? "" : ":" + orgUrl.getPort());
    }
}
