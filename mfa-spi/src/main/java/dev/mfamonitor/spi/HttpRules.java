package dev.mfamonitor.spi;

import java.net.URI;

/**
 * The rules every plugin that talks HTTP follows, so that a credential never crosses a network in clear or reaches
 * another host: plain {@code http} only to a loopback address; no redirect followed; no request that carries a
 * credential to an origin other than the configured endpoint's (a {@code Link: rel="next"} to elsewhere, say).
 */
public interface HttpRules {

    /**
     * Checks an endpoint from the configuration.
     *
     * @param key      the configuration key it came from, for the message
     * @param endpoint the URI as configured
     * @return the endpoint, when it is {@code https}, or {@code http} to a loopback address (tests, a local proxy)
     * @throws ConfigException naming the key and the rule otherwise
     */
    URI requireSecureEndpoint(String key, URI endpoint);

    /** Whether both URIs have the same scheme, host and port (default ports made explicit). */
    boolean sameOrigin(URI a, URI b);

    /**
     * Checks a URI a server handed back (a next page, a token URI) before a credential is sent to it.
     *
     * @param configured the configured endpoint the credential belongs to
     * @param next       where the plugin is about to send it
     * @throws IllegalStateException with a message for people (no credential in it) when {@code next} is on another
     *                               origin: the scan fails rather than leak the credential
     */
    void requireSameOrigin(URI configured, URI next);
}
