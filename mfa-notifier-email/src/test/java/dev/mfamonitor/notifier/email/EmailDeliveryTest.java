package dev.mfamonitor.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.mfamonitor.notifier.email.EmailTestSupport.create;
import static dev.mfamonitor.notifier.email.EmailTestSupport.starttls;
import static dev.mfamonitor.notifier.email.EmailTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** What a mail holds and how it travels: STARTTLS then AUTH, both bodies, every header, SMTPS, a local relay. */
class EmailDeliveryTest {
    private final GreenMail greenMail = EmailTestSupport.greenMail();
    private final StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS);

    @AfterEach
    void stop() {
        front.close();
        greenMail.stop();
    }

    private static Notification sample() {
        return NotifierContract.notificationOf(NotifierContract.sampleEvents());
    }

    @Test
    void oneMailWithTheExactSubjectRecipientsHeadersAndBothBodiesAfterStartTlsAndLogin() throws Exception {
        Notification notification = sample();
        try (Notifier notifier = create(starttls(front.port()))) {
            assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.delivered());
        }

        // STARTTLS first, the login only inside TLS, one transaction for three recipients.
        assertThat(front.commands()).containsExactly("EHLO", "STARTTLS", "tls:EHLO", "tls:AUTH", "tls:MAIL", "tls:RCPT",
                "tls:RCPT", "tls:RCPT", "tls:DATA", "tls:QUIT");
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).as("one copy per recipient mailbox").hasSize(3);
        MimeMessage mail = received[0];
        String messageId = "<mfa-monitor." + notification.id() + "@example.com>";
        assertThat(Arrays.stream(received).map(m -> header(m, "Message-ID"))).containsOnly(messageId);

        assertThat(mail.getSubject()).isEqualTo(
                "[mfa-monitor] 1 MFA disabled, 1 new account without MFA, 1 monitor failed, 1 baseline");
        assertThat(header(mail, "From")).isEqualTo("mfa-monitor <mfa-monitor@example.com>");
        assertThat(header(mail, "To")).isEqualTo("security@example.com, Security Operations <soc@example.com>");
        assertThat(header(mail, "Cc")).isEqualTo("ciso@example.com");
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(header(mail, "Auto-Submitted")).isEqualTo("auto-generated");
        assertThat(header(mail, "X-Auto-Response-Suppress")).isEqualTo("All");
        assertThat(header(mail, "X-Mailer")).isEqualTo("mfa-monitor");
        assertThat(header(mail, "MIME-Version")).isEqualTo("1.0");
        assertThat(mail.getSentDate().toInstant()).isEqualTo(EmailTestSupport.NOW);
        assertThat(mail.getContentType()).startsWith("multipart/alternative;");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("security@example.com", "Security Operations <soc@example.com>");

        jakarta.mail.Multipart parts = (jakarta.mail.Multipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(parts.getBodyPart(1).getContentType()).isEqualTo("text/html; charset=UTF-8");
        assertThat(EmailTestSupport.textPart(mail)).isEqualTo(("""
                mfa-monitor: 4 events (1 MFA disabled, 1 New account without MFA, 1 Monitor failed, 1 Baseline)

                github-acme (github)
                  MFA disabled (1, high): "carol" (was enabled)
                  New account without MFA (1, high): "r&d-<bot>"

                aws-prod (aws)
                  Monitor failed (medium): IAM answered AccessDenied for GenerateCredentialReport: grant iam:GenerateCredentialReport
                  Baseline (info): 3 accounts: 2 with MFA, 1 without (alice), 0 not applicable, 0 unknown

                --\s
                Notification ID of the run at 2026-03-02 09:00:00 UTC, sent by mfa-monitor notifier 'security-mail'.
                """).replace("ID", notification.id()).replace("\n", "\r\n"));
        assertThat(EmailTestSupport.htmlPart(mail)).isEqualTo(("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>mfa-monitor: 4 events</title></head>
                <body style="font-family:sans-serif">
                <p><strong>mfa-monitor: 4 events</strong> (1 MFA disabled, 1 New account without MFA, 1 Monitor failed, 1 Baseline)</p>
                <h3>github-acme (github)</h3>
                <ul>
                <li>MFA disabled (1, high): <code>carol</code> (was enabled)</li>
                <li>New account without MFA (1, high): <code>r&amp;d-&lt;bot&gt;</code></li>
                </ul>
                <h3>aws-prod (aws)</h3>
                <ul>
                <li>Monitor failed (medium): IAM answered AccessDenied for GenerateCredentialReport: grant iam:GenerateCredentialReport</li>
                <li>Baseline (info): 3 accounts: 2 with MFA, 1 without (alice), 0 not applicable, 0 unknown</li>
                </ul>
                <p style="color:#666;font-size:small">Notification ID of the run at 2026-03-02 09:00:00 UTC, sent by mfa-monitor notifier &#39;security-mail&#39;.</p>
                </body></html>
                """).replace("ID", notification.id()).replace("\n", "\r\n"));
    }

    @Test
    void aRetryOfTheSameNotificationIsTheSameMessageId() throws Exception {
        Notification notification = sample();
        try (Notifier notifier = create(with(with(starttls(front.port()), "to", List.of("security@example.com")), "cc", null))) {
            assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.delivered());
            assertThat(notifier.send(notification)).isEqualTo(DeliveryResult.delivered());
            assertThat(notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents().subList(0, 1))))
                    .isEqualTo(DeliveryResult.delivered());
        }

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(3);
        assertThat(header(received[0], "Message-ID")).isEqualTo(header(received[1], "Message-ID"));
        assertThat(header(received[2], "Message-ID")).isNotEqualTo(header(received[0], "Message-ID"));
    }

    @Test
    void smtpsWithAPemTrustStoreDeliversToGreenMailsTlsPort() throws Exception {
        Map<String, Object> values = with(with(starttls(greenMail.getSmtps().getPort()), "tls", "smtps"),
                "trustStore", Map.of("path", TestTls.TRUST_PEM.toString()));
        try (Notifier notifier = create(values)) {
            assertThat(notifier.send(sample())).isEqualTo(DeliveryResult.delivered());
        }

        assertThat(greenMail.getReceivedMessages()).hasSize(3);
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).startsWith("[mfa-monitor] 1 MFA disabled");
    }

    @Test
    void tlsNoneReachesALoopbackRelayWithoutALogin() throws Exception {
        Map<String, Object> values = with(with(with(with(starttls(greenMail.getSmtp().getPort()), "tls", "none"),
                "username", null), "password", null), "trustStore", null);
        try (Notifier notifier = create(values)) {
            assertThat(notifier.send(sample())).isEqualTo(DeliveryResult.delivered());
        }

        assertThat(greenMail.getReceivedMessages()).hasSize(3);
    }

    @Test
    void aCustomSubjectPrefixAndAnEmptyOne() throws Exception {
        try (Notifier custom = create(with(starttls(front.port()), "subjectPrefix", "[SOC] MFA ·"));
             Notifier none = create(with(starttls(front.port()), "subjectPrefix", ""))) {
            assertThat(custom.send(sample())).isEqualTo(DeliveryResult.delivered());
            assertThat(none.send(sample())).isEqualTo(DeliveryResult.delivered());
        }

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received[0].getSubject()).isEqualTo(
                "[SOC] MFA · 1 MFA disabled, 1 new account without MFA, 1 monitor failed, 1 baseline");
        // Not ASCII, so MIME-encoded (RFC 2047) on the wire.
        assertThat(header(received[0], "Subject")).startsWith("=?UTF-8?");
        assertThat(received[3].getSubject()).isEqualTo("1 MFA disabled, 1 new account without MFA, 1 monitor failed, 1 baseline");
    }

    static String header(MimeMessage message, String name) {
        try {
            return message.getHeader(name, ", ");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
