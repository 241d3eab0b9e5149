package dev.mfamonitor.notifier.email;

import dev.mfamonitor.spi.PluginConfig;

import java.util.Locale;

/** How the connection to the SMTP server is protected. */
enum TlsMode {
    /** Plain connection upgraded with STARTTLS before anything else is said; a server without STARTTLS is refused. */
    STARTTLS("starttls", 587, "smtp"),
    /** TLS from the first byte (implicit TLS, "SMTPS"). */
    SMTPS("smtps", 465, "smtps"),
    /** Plain text, allowed only to a loopback relay, and never with a password. */
    NONE("none", 25, "smtp");

    private final String configName;
    private final int defaultPort;
    private final String protocol;

    TlsMode(String configName, int defaultPort, String protocol) {
        this.configName = configName;
        this.defaultPort = defaultPort;
        this.protocol = protocol;
    }

    /** The value of {@code tls:} in the configuration. */
    String configName() {
        return configName;
    }

    int defaultPort() {
        return defaultPort;
    }

    /** The Jakarta Mail transport protocol, which is also the prefix of its session properties. */
    String protocol() {
        return protocol;
    }

    /** {@code tls:}, default {@code starttls}. */
    static TlsMode parse(PluginConfig config) {
        String value = config.string("tls", STARTTLS.configName).trim().toLowerCase(Locale.ROOT);
        for (TlsMode mode : values()) {
            if (mode.configName.equals(value)) {
                return mode;
            }
        }
        throw config.error("tls", "'" + value + "' is not one of starttls (STARTTLS required, port 587), smtps (TLS from "
                + "the start, port 465) or none (plain text, loopback relays only)");
    }
}
