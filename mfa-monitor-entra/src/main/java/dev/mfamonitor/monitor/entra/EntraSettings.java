package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The validated configuration of one {@code entra} monitor (one tenant).
 *
 * @param tenantId         the directory (tenant) id, a GUID, or a verified domain such as {@code contoso.onmicrosoft.com}
 * @param clientId         the application (client) id of the app registration
 * @param credential       the client secret or the certificate the app authenticates with
 * @param graphEndpoint    Graph's base URI without a trailing slash ({@code https://graph.microsoft.com})
 * @param loginEndpoint    the Entra login base URI without a trailing slash ({@code https://login.microsoftonline.com})
 * @param timeout          how long one HTTP request may take
 * @param fullScanInterval how often the whole report and user list are read; in between only what changed
 * @param mfaField         which report field decides the status
 */
public record EntraSettings(String tenantId, String clientId, ClientCredential credential, URI graphEndpoint,
                            URI loginEndpoint, Duration timeout, Duration fullScanInterval, MfaField mfaField) {

    static final URI GLOBAL_GRAPH = URI.create("https://graph.microsoft.com");
    static final URI GLOBAL_LOGIN = URI.create("https://login.microsoftonline.com");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_FULL_SCAN_INTERVAL = Duration.ofHours(24);

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");

    /** Which field of {@code userRegistrationDetails} makes an account {@code ENABLED}. */
    public enum MfaField {
        /** {@code isMfaRegistered}: the user registered a strong authentication method. */
        REGISTERED("isMfaRegistered"),
        /** {@code isMfaCapable}: registered and the method is allowed by the authentication methods policy. */
        CAPABLE("isMfaCapable");

        private final String field;

        MfaField(String field) {
            this.field = field;
        }

        /** The report's JSON field. */
        public String field() {
            return field;
        }

        /** As written in configuration. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Reads and checks a configuration block; every error names the key. */
    static EntraSettings from(PluginConfig config, PluginContext context) {
        String tenantId = config.string("tenantId").trim();
        if (!GUID.matcher(tenantId).matches() && !DOMAIN.matcher(tenantId).matches()) {
            throw config.error("tenantId", "'" + tenantId + "' is neither a directory (tenant) id like "
                    + "00000000-0000-0000-0000-000000000000 nor a domain like contoso.onmicrosoft.com; copy the "
                    + "Directory (tenant) ID from the app registration's Overview page");
        }
        String clientId = config.string("clientId").trim();
        if (!GUID.matcher(clientId).matches()) {
            throw config.error("clientId", "'" + clientId + "' is not an application (client) id like "
                    + "00000000-0000-0000-0000-000000000000; copy the Application (client) ID from the app registration's Overview page");
        }
        Optional<Secret> secret = config.optionalSecret("clientSecret");
        Optional<Secret> certificate = config.optionalSecret("certificate");
        if (secret.isPresent() && certificate.isPresent()) {
            throw config.error("certificate", "set either clientSecret or certificate, not both");
        }
        if (secret.isEmpty() && certificate.isEmpty()) {
            throw config.error("clientSecret", "missing: set clientSecret (the secret's Value) or certificate (a PEM "
                    + "file with the certificate and its private key), each written ${env:NAME} or ${file:PATH}");
        }
        ClientCredential credential;
        if (secret.isPresent()) {
            if (secret.get().reveal().isBlank()) {
                throw config.error("clientSecret", "is empty");
            }
            credential = new ClientCredential.ClientSecret(secret.get());
        } else {
            try {
                credential = ClientCredential.ClientCertificate.parse(certificate.get());
            } catch (IllegalArgumentException e) {
                throw config.error("certificate", e.getMessage());
            }
        }
        URI graph = endpoint(config, context, "graphEndpoint", GLOBAL_GRAPH);
        URI login = endpoint(config, context, "loginEndpoint", GLOBAL_LOGIN);
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw config.error("timeout", "must be positive");
        }
        Duration interval = config.duration("fullScanInterval", DEFAULT_FULL_SCAN_INTERVAL);
        if (interval.isNegative()) {
            throw config.error("fullScanInterval", "must not be negative (0 reads everything on every run)");
        }
        String field = config.string("mfaField", "registered").trim().toLowerCase(Locale.ROOT);
        MfaField mfaField = switch (field) {
            case "registered" -> MfaField.REGISTERED;
            case "capable" -> MfaField.CAPABLE;
            default -> throw config.error("mfaField", "'" + field + "' is not one of registered, capable");
        };
        return new EntraSettings(tenantId, clientId, credential, graph, login, timeout, interval, mfaField);
    }

    private static URI endpoint(PluginConfig config, PluginContext context, String key, URI fallback) {
        Optional<String> value = config.optionalString(key);
        if (value.isEmpty()) {
            return fallback;
        }
        URI uri;
        try {
            String text = value.get().trim();
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw config.error(key, "'" + value.get() + "' is not a URI");
        }
        if (uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw config.error(key, "'" + value.get() + "' must be a scheme and host only, like " + fallback);
        }
        return context.http().requireSecureEndpoint(key, uri);
    }

    /** The token endpoint of the client-credentials grant. */
    URI tokenUri() {
        return URI.create(loginEndpoint + "/" + tenantId + "/oauth2/v2.0/token");
    }

    /** The scope asked for: Graph's {@code .default} (every application permission admin-consented to the app). */
    String scope() {
        return graphEndpoint + "/.default";
    }
}
