package dev.mfamonitor.core.context;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.HttpRules;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/** The HTTP rules of {@link HttpRules}, for one plugin instance (its description goes into messages). */
public final class EngineHttpRules implements HttpRules {
    private final String instance;

    /** @param instance "monitor 'github-acme' (type github)", for messages */
    public EngineHttpRules(String instance) {
        this.instance = Objects.requireNonNull(instance, "instance");
    }

    @Override
    public URI requireSecureEndpoint(String key, URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (endpoint.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigException(instance + ": property '" + key + "': '" + endpoint
                    + "' is not an http(s) URL; write it like https://host/path");
        }
        if (scheme.equals("http") && !loopback(endpoint.getHost())) {
            throw new ConfigException(instance + ": property '" + key + "': plain http to " + endpoint.getHost()
                    + " would send credentials in clear; use https (plain http is allowed only to a loopback address)");
        }
        return endpoint;
    }

    @Override
    public boolean sameOrigin(URI a, URI b) {
        return scheme(a).equals(scheme(b)) && host(a).equals(host(b)) && port(a) == port(b);
    }

    @Override
    public void requireSameOrigin(URI configured, URI next) {
        if (!sameOrigin(configured, next)) {
            throw new IllegalStateException(instance + ": the server sent us on to " + scheme(next) + "://" + host(next)
                    + (next.getPort() >= 0 ? ":" + next.getPort() : "") + ", another origin than the configured "
                    + scheme(configured) + "://" + host(configured) + (configured.getPort() >= 0 ? ":" + configured.getPort() : "")
                    + "; the credential is not sent there. Check the endpoint (a proxy rewriting links?)");
        }
    }

    /** Whether a host is a loopback address; names other than {@code localhost} are not resolved. */
    public static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return switch (scheme(uri)) {
            case "https" -> 443;
            case "http" -> 80;
            default -> -1;
        };
    }
}
