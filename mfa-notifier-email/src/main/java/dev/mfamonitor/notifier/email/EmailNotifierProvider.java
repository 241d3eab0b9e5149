package dev.mfamonitor.notifier.email;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.support.SafeText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import javax.net.ssl.SSLSocketFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Notifier type {@code email}: one message per run over SMTP.
 *
 * <pre>{@code
 * - id: security-mail
 *   type: email
 *   host: smtp.example.com
 *   tls: starttls                    # starttls (default, port 587) | smtps (port 465) | none (loopback only, port 25)
 *   username: mfa-monitor@example.com
 *   password: "${env:SMTP_PASSWORD}"
 *   from: "mfa-monitor <mfa-monitor@example.com>"
 *   to: [security@example.com]
 * }</pre>
 *
 * <p>Keys (the module's README has the full story): {@code host} (required), {@code port}, {@code tls}, {@code username}
 * and {@code password} (a secret; both or neither, never with {@code tls: none}), {@code from} (required), {@code to}
 * (at least one), {@code cc}, {@code subjectPrefix} (default {@value #DEFAULT_SUBJECT_PREFIX}), {@code timeout} (per SMTP
 * operation, default 30s, never past the delivery deadline), {@code trustStore} (a block with {@code path}, a PKCS#12,
 * JKS or PEM file of trusted certificates, and an optional {@code password} secret; without it the Java runtime's trust
 * store). The server's certificate is always verified, its name included; there is no way to turn that off. Nothing
 * touches the network here.
 */
public final class EmailNotifierProvider implements NotifierProvider {
    static final String DEFAULT_SUBJECT_PREFIX = "[mfa-monitor]";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Longest subject prefix: the subject must stay readable and well within a header line. */
    static final int MAX_PREFIX_CHARS = 80;

    @Override
    public String type() {
        return "email";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        String host = host(config);
        TlsMode tls = TlsMode.parse(config);
        int port = config.integer("port", tls.defaultPort());
        if (port < 1 || port > 65_535) {
            throw config.error("port", port + " is not a TCP port; use 1 to 65535 (default " + tls.defaultPort()
                    + " for tls: " + tls.configName() + ")");
        }
        if (tls == TlsMode.NONE && !loopback(host)) {
            throw config.error("tls", "'none' sends mail in plain text and is allowed only to a loopback address "
                    + "(127.0.0.1, ::1, localhost: a local relay); '" + host + "' is not one. Use tls: starttls (port 587) "
                    + "or tls: smtps (port 465)");
        }

        Optional<String> username = config.optionalString("username").map(String::trim).filter(u -> !u.isEmpty());
        Optional<Secret> password = config.optionalSecret("password");
        username.ifPresent(u -> {
            if (!u.equals(SafeText.clean(u)) || u.length() > 512) {
                throw config.error("username", "holds a line break, a control or an invisible character, or is longer "
                        + "than 512 characters");
            }
        });
        if (username.isPresent() && password.isEmpty()) {
            throw config.error("password", "is required with username: write password: \"${env:SMTP_PASSWORD}\"");
        }
        if (password.isPresent() && username.isEmpty()) {
            throw config.error("username", "is required with password: the account the SMTP server authenticates");
        }
        if (password.isPresent() && tls == TlsMode.NONE) {
            throw config.error("password", "is sent only over TLS, and tls is 'none'; use tls: starttls or smtps, or drop "
                    + "username and password for a local relay that needs none");
        }

        InternetAddress from = address(config, "from", config.optionalString("from").orElseThrow(() ->
                config.error("from", "is required: the sender, such as \"mfa-monitor <mfa-monitor@example.com>\"")));
        List<InternetAddress> to = addresses(config, "to");
        if (to.isEmpty()) {
            throw config.error("to", "needs at least one address, such as [security@example.com]");
        }
        List<InternetAddress> cc = addresses(config, "cc");

        String subjectPrefix = config.string("subjectPrefix", DEFAULT_SUBJECT_PREFIX).strip();
        if (!subjectPrefix.equals(SafeText.clean(subjectPrefix))) {
            throw config.error("subjectPrefix", "holds a line break, a control or an invisible character; write it on "
                    + "one line, such as [mfa-monitor]");
        }
        if (subjectPrefix.length() > MAX_PREFIX_CHARS) {
            throw config.error("subjectPrefix", "is longer than " + MAX_PREFIX_CHARS + " characters");
        }

        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw config.error("timeout", "must be longer than zero, such as 30s");
        }

        SSLSocketFactory sockets = null;
        Optional<PluginConfig> trustStore = config.section("trustStore");
        if (tls != TlsMode.NONE) {
            sockets = trustStore.map(block -> TrustMaterial.fromFile(config, block.path("path"),
                            block.optionalSecret("password")))
                    .orElseGet(TrustMaterial::runtimeDefault);
        } else if (trustStore.isPresent()) {
            throw config.error("trustStore", "has no use with tls: none; remove it or use tls: starttls or smtps");
        }

        SmtpSettings settings = new SmtpSettings(host, port, tls, username, password, sockets, timeout);
        return new EmailNotifier(config.describe(), config.id(), settings,
                new Recipients(from, to, cc), subjectPrefix, context);
    }

    private static String host(PluginConfig config) {
        String host = config.optionalString("host").map(String::trim).orElseThrow(() ->
                config.error("host", "is required: the SMTP server, such as smtp.example.com"));
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.isEmpty() || !bare.matches("[A-Za-z0-9.:-]+") || bare.length() > 253) {
            throw config.error("host", "'" + SafeText.clean(host) + "' is not a host name or an IP address; write it "
                    + "without scheme or port, such as smtp.example.com");
        }
        return bare;
    }

    /** Whether a host is a loopback address; names other than {@code localhost} are not resolved (no network here). */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
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

    private static List<InternetAddress> addresses(PluginConfig config, String key) {
        List<InternetAddress> addresses = new ArrayList<>();
        for (String text : config.list(key)) {
            addresses.add(address(config, key, text));
        }
        return addresses;
    }

    /**
     * One address, parsed strictly: a bare address or a display name with the address in angle brackets. Refused: line
     * breaks and control characters (header injection), groups and lists, and non-ASCII in the address itself (that
     * needs SMTPUTF8, which not every server offers); a non-ASCII display name is fine and is MIME-encoded.
     */
    static InternetAddress address(PluginConfig config, String key, String text) {
        String trimmed = text.strip();
        if (!trimmed.equals(SafeText.clean(trimmed))) {
            throw config.error(key, "'" + SafeText.clean(trimmed) + "' holds a line break, a control or an invisible "
                    + "character; write one address on one line");
        }
        InternetAddress address;
        try {
            address = new InternetAddress(trimmed, true);
            if (address.isGroup()) {
                throw new AddressException("a group is not an address");
            }
            address.validate();
        } catch (AddressException e) {
            throw config.error(key, "'" + trimmed + "' is not an e-mail address (" + e.getMessage()
                    + "); write it as security@example.com or \"Security team <security@example.com>\"");
        }
        String mailbox = address.getAddress();
        if (!mailbox.chars().allMatch(c -> c > 0x20 && c < 0x7f) || mailbox.indexOf('@') <= 0) {
            throw config.error(key, "'" + trimmed + "' is not an ASCII address of the form name@domain "
                    + "(internationalised addresses need SMTPUTF8, which this notifier does not use)");
        }
        return address;
    }

    /** Where the message goes: sender, recipients, copies. */
    record Recipients(InternetAddress from, List<InternetAddress> to, List<InternetAddress> cc) {
        Recipients {
            to = List.copyOf(to);
            cc = List.copyOf(cc);
        }
    }

    /**
     * How to reach the server.
     *
     * @param tlsSockets TLS sockets that verify the server against the configured or the runtime's trust store; absent
     *                   (null) only for {@link TlsMode#NONE}
     */
    record SmtpSettings(String host, int port, TlsMode tls, Optional<String> username, Optional<Secret> password,
                        SSLSocketFactory tlsSockets, Duration timeout) {
    }

    /** Ensures the message of a trust store problem names the key. */
    static ConfigException trustStoreError(PluginConfig config, Path path, String problem) {
        return config.error("trustStore", "path " + path + ": " + problem);
    }
}
