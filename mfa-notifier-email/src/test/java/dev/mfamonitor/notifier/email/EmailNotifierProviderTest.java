package dev.mfamonitor.notifier.email;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.mfamonitor.notifier.email.EmailTestSupport.create;
import static dev.mfamonitor.notifier.email.EmailTestSupport.starttls;
import static dev.mfamonitor.notifier.email.EmailTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration errors name the key and what to write instead; nothing touches the network. */
class EmailNotifierProviderTest {
    private static final String PREFIX = "notifier 'security-mail' (type email): property ";

    private static void refused(Map<String, Object> values, String message) {
        assertThatThrownBy(() -> create(values)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void theTypeIsEmailAndAFullConfigurationIsAccepted() throws Exception {
        assertThat(new EmailNotifierProvider().type()).isEqualTo("email");
        try (Notifier notifier = create(starttls(587))) {
            assertThat(notifier.toString()).isEqualTo(
                    "notifier 'security-mail' (type email) -> SMTP server 127.0.0.1:587 (tls: starttls)");
        }
    }

    @Test
    void thePortDefaultsToTheTlsModesPort() throws Exception {
        try (Notifier starttls = create(with(with(starttls(1), "port", null), "host", "smtp.example.com"));
             Notifier smtps = create(with(with(with(starttls(1), "port", null), "tls", "smtps"), "host", "smtp.example.com"));
             Notifier none = create(with(with(with(with(with(starttls(1), "port", null), "tls", "none"), "username", null),
                     "password", null), "trustStore", null))) {
            assertThat(starttls.toString()).endsWith("SMTP server smtp.example.com:587 (tls: starttls)");
            assertThat(smtps.toString()).endsWith("SMTP server smtp.example.com:465 (tls: smtps)");
            assertThat(none.toString()).endsWith("SMTP server 127.0.0.1:25 (tls: none)");
        }
    }

    @Test
    void plainTextIsOnlyForALoopbackRelayAndNeverCarriesThePassword() {
        Map<String, Object> none = with(with(with(starttls(25), "tls", "none"), "username", null), "password", null);
        refused(with(with(none, "trustStore", null), "host", "smtp.example.com"), PREFIX + "'tls': 'none' sends mail in "
                + "plain text and is allowed only to a loopback address (127.0.0.1, ::1, localhost: a local relay); "
                + "'smtp.example.com' is not one. Use tls: starttls (port 587) or tls: smtps (port 465)");
        refused(with(with(with(starttls(25), "tls", "none"), "trustStore", null), "host", "localhost"), PREFIX
                + "'password': is sent only over TLS, and tls is 'none'; use tls: starttls or smtps, or drop username and "
                + "password for a local relay that needs none");
        refused(none, PREFIX + "'trustStore': has no use with tls: none; remove it or use tls: starttls or smtps");
    }

    @Test
    void badValuesAreNamed() {
        refused(with(starttls(587), "tls", "ssl"), PREFIX + "'tls': 'ssl' is not one of starttls (STARTTLS required, port "
                + "587), smtps (TLS from the start, port 465) or none (plain text, loopback relays only)");
        refused(with(starttls(587), "port", 70_000), PREFIX + "'port': 70000 is not a TCP port; use 1 to 65535 (default "
                + "587 for tls: starttls)");
        refused(with(starttls(587), "host", "smtp://smtp.example.com"), PREFIX + "'host': 'smtp://smtp.example.com' is "
                + "not a host name or an IP address; write it without scheme or port, such as smtp.example.com");
        refused(with(starttls(587), "host", null), PREFIX + "'host': is required: the SMTP server, such as smtp.example.com");
        refused(with(starttls(587), "from", null), PREFIX + "'from': is required: the sender, such as \"mfa-monitor "
                + "<mfa-monitor@example.com>\"");
        refused(with(starttls(587), "to", List.of()), PREFIX + "'to': needs at least one address, such as "
                + "[security@example.com]");
        refused(with(starttls(587), "password", null), PREFIX + "'password': is required with username: write password: "
                + "\"${env:SMTP_PASSWORD}\"");
        refused(with(starttls(587), "username", null), PREFIX + "'username': is required with password: the account the "
                + "SMTP server authenticates");
        refused(with(starttls(587), "timeout", "0s"), PREFIX + "'timeout': must be longer than zero, such as 30s");
        refused(with(starttls(587), "subjectPrefix", "[mfa]\r\nBcc: x@evil.example"), PREFIX + "'subjectPrefix': holds a "
                + "line break, a control or an invisible character; write it on one line, such as [mfa-monitor]");
    }

    @Test
    void addressesAreParsedStrictlyAndCannotCarryAHeader() {
        refused(with(starttls(587), "to", List.of("security@example.com\r\nBcc: attacker@evil.example")), PREFIX
                + "'to': 'security@example.comBcc: attacker@evil.example' holds a line break, a control or an invisible "
                + "character; write one address on one line");
        assertThatThrownBy(() -> create(with(starttls(587), "cc", List.of("not an address"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(PREFIX + "'cc': 'not an address' is not an e-mail address (")
                .hasMessageEndingWith("); write it as security@example.com or \"Security team <security@example.com>\"");
        assertThatThrownBy(() -> create(with(starttls(587), "from", "a@example.com, b@example.com")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(PREFIX + "'from': 'a@example.com, b@example.com'");
        refused(with(starttls(587), "to", List.of("zoë@example.com")), PREFIX + "'to': 'zoë@example.com' is not an ASCII "
                + "address of the form name@domain (internationalised addresses need SMTPUTF8, which this notifier does "
                + "not use)");
    }

    @Test
    void aTrustStoreThatCannotBeReadIsNamedWithoutItsPassword() throws Exception {
        Path dir = Files.createTempDirectory("mfa-email-trust");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate");
        Path missing = dir.resolve("missing.p12");

        refused(with(starttls(587), "trustStore", Map.of("path", missing.toString())), PREFIX + "'trustStore': path "
                + missing + ": is not a regular file");
        assertThatThrownBy(() -> create(with(starttls(587), "trustStore", Map.of("path", empty.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(PREFIX + "'trustStore': path " + empty + ": is not a PKCS#12, JKS or PEM file of "
                        + "certificates that this password opens (");
        assertThatThrownBy(() -> create(with(starttls(587), "trustStore", Map.of("path", TestTls.TRUST_STORE.toString(),
                "password", "wrong-password-1234"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("check trustStore.password")
                .message().doesNotContain("wrong-password-1234");
        refused(with(starttls(587), "trustStore", Map.of("path", TestTls.TRUST_STORE.toString())), PREFIX + "'trustStore': "
                + "path " + TestTls.TRUST_STORE + ": holds no certificate that can be read without a password: set "
                + "trustStore.password, or use a PEM file");
        refused(with(starttls(587), "trustStore", Map.of("path", TestTls.TRUST_PEM.toString(), "pasword", "x")),
                "property 'trustStore.pasword' is not used by notifier 'security-mail' (type email); known: cc, from, host, password, port, "
                        + "subjectPrefix, timeout, tls, to, trustStore, trustStore.password, trustStore.path, username");
    }
}
