package dev.mfamonitor.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.mfamonitor.notifier.email.EmailTestSupport.create;
import static dev.mfamonitor.notifier.email.EmailTestSupport.starttls;
import static dev.mfamonitor.notifier.email.EmailTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Never a weaker connection than configured: an untrusted certificate, a certificate for another name and a server
 * without STARTTLS are each refused before a word of the login or the mail is sent.
 */
class EmailTlsTest {
    private final GreenMail greenMail = EmailTestSupport.greenMail();

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private static DeliveryResult sendWith(Map<String, Object> values) throws Exception {
        try (Notifier notifier = create(values)) {
            return notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        }
    }

    private static String permanentReason(DeliveryResult result) {
        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
        return ((DeliveryResult.Permanent) result).reason();
    }

    @Test
    void aServerWhoseCertificateIsNotInTheTrustStoreIsRefusedBeforeTheLogin() throws Exception {
        try (StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS)) {
            String reason = permanentReason(sendWith(with(starttls(front.port()), "trustStore",
                    Map.of("path", TestTls.STRANGER_TRUST_STORE.toString(), "password", TestTls.TRUST_STORE_PASSWORD))));

            assertThat(reason).startsWith("notifier 'security-mail' (type email): the mail to SMTP server 127.0.0.1:"
                            + front.port() + " (tls: starttls) was not sent: the TLS handshake failed (")
                    .contains("PKIX path building failed")
                    .endsWith("the server's certificate is not trusted, or the server does not speak TLS on this port: "
                            + "add the certificate of the CA that issued it to trustStore (or to the Java runtime's trust "
                            + "store), and check that tls: starttls matches the port (587 starttls, 465 smtps)");
            assertThat(front.commands()).containsExactly("EHLO", "STARTTLS");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void withoutATrustStoreTheRuntimesTrustStoreDecidesAndATestCertificateIsRefused() throws Exception {
        try (StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS)) {
            String reason = permanentReason(sendWith(with(starttls(front.port()), "trustStore", null)));

            assertThat(reason).contains("the TLS handshake failed").contains("is not trusted");
            assertThat(front.commands()).containsExactly("EHLO", "STARTTLS");
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        try (StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.WRONG_NAME_KEYS)) {
            String reason = permanentReason(sendWith(starttls(front.port())));

            assertThat(reason).contains("the TLS handshake failed (")
                    .contains("No subject alternative names matching IP address 127.0.0.1 found")
                    .endsWith("the server's certificate does not name '127.0.0.1': set host to a name the certificate holds");
            assertThat(front.commands()).containsExactly("EHLO", "STARTTLS");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void theHostNameIsCheckedAgainstTheCertificateToo() throws Exception {
        try (StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS)) {
            assertThat(sendWith(with(starttls(front.port()), "host", "localhost"))).isEqualTo(DeliveryResult.delivered());
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(3);
    }

    @Test
    void aServerWithoutStartTlsIsRefusedAndNothingIsSentInPlainText() throws Exception {
        // GreenMail's own SMTP port offers AUTH but no STARTTLS.
        String reason = permanentReason(sendWith(starttls(greenMail.getSmtp().getPort())));

        assertThat(reason).isEqualTo("notifier 'security-mail' (type email): the mail to SMTP server 127.0.0.1:"
                + greenMail.getSmtp().getPort() + " (tls: starttls) was not sent: the server does not offer STARTTLS, and "
                + "tls: starttls requires it (mail is never sent in plain text); use the server's STARTTLS port (587), or "
                + "tls: smtps with its TLS port (465)");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void theLoginWaitsForTlsEvenWhenTheServerOffersItInPlainText() throws Exception {
        try (StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS)) {
            front.offerAuthBeforeTls();

            assertThat(sendWith(starttls(front.port()))).isEqualTo(DeliveryResult.delivered());
            assertThat(front.commands()).containsExactly("EHLO", "STARTTLS", "tls:EHLO", "tls:AUTH", "tls:MAIL",
                    "tls:RCPT", "tls:RCPT", "tls:RCPT", "tls:DATA", "tls:QUIT");
        }
    }

    @Test
    void aServerThatCannotStartTlsNowIsTransientAndGetsNoPlainTextLoginOrMail() throws Exception {
        try (StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS)) {
            front.offerAuthBeforeTls();
            front.answerBeforeTls("STARTTLS", "454 4.7.0 TLS not available due to temporary reason");

            DeliveryResult result = sendWith(starttls(front.port()));

            assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
            assertThat(((DeliveryResult.Transient) result).reason()).contains("454 4.7.0 TLS not available");
            assertThat(front.commands()).containsExactly("EHLO", "STARTTLS");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void smtpsToAServerWhoseCertificateIsNotTrustedIsRefused() throws Exception {
        String reason = permanentReason(sendWith(with(with(starttls(greenMail.getSmtps().getPort()), "tls", "smtps"),
                "trustStore", Map.of("path", TestTls.STRANGER_TRUST_STORE.toString(), "password",
                        TestTls.TRUST_STORE_PASSWORD))));

        assertThat(reason).contains("(tls: smtps) was not sent: the TLS handshake failed").contains("is not trusted");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void smtpsToAPlainPortIsRefused() throws Exception {
        String reason = permanentReason(sendWith(with(starttls(greenMail.getSmtp().getPort()), "tls", "smtps")));

        assertThat(reason).contains("(tls: smtps) was not sent: the TLS handshake failed");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }
}
