package dev.mfamonitor.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static dev.mfamonitor.notifier.email.EmailTestSupport.create;
import static dev.mfamonitor.notifier.email.EmailTestSupport.starttls;
import static dev.mfamonitor.notifier.email.EmailTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** SMTP's rule: 5xx (a refused login too) is permanent; 4xx, a refused connection and a silent server are transient. */
class EmailFailureTest {
    private final GreenMail greenMail = EmailTestSupport.greenMail();
    private final StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS);
    private final Notifier notifier = create(starttls(front.port()));

    @AfterEach
    void stop() throws Exception {
        notifier.close();
        front.close();
        greenMail.stop();
    }

    private DeliveryResult send() {
        return notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
    }

    private static String permanent(DeliveryResult result) {
        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
        return ((DeliveryResult.Permanent) result).reason();
    }

    private static String transientReason(DeliveryResult result) {
        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) result).retryAfter()).isEmpty();
        return ((DeliveryResult.Transient) result).reason();
    }

    private String prefix() {
        return "notifier 'security-mail' (type email): the mail to SMTP server 127.0.0.1:" + front.port()
                + " (tls: starttls) was not sent: ";
    }

    @Test
    void aWrongPasswordIsAPermanentFailureNamingTheUsername() throws Exception {
        try (Notifier wrong = create(with(starttls(front.port()), "password", "not-the-password-123"))) {
            String reason = permanent(wrong.send(NotifierContract.notificationOf(NotifierContract.sampleEvents())));

            assertThat(reason).startsWith(prefix() + "the server refused the login of username 'mfa-sender' (535")
                    .endsWith("); check username and password (some providers require an app password or SMTP AUTH "
                            + "enabled for the account)");
        }
        assertThat(front.commands()).containsSequence("tls:EHLO", "tls:AUTH").doesNotContain("tls:MAIL");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aTemporaryAuthenticationFailureIsTransient() {
        front.answer("AUTH", "454 4.7.0 Temporary authentication failure");

        assertThat(transientReason(send())).isEqualTo(prefix() + "the server could not check the login now (454 4.7.0 "
                + "Temporary authentication failure)");
    }

    @Test
    void aRefusedSenderIsPermanent() {
        front.answer("MAIL", "550 5.7.1 Sender not allowed for this login");

        assertThat(permanent(send())).isEqualTo(prefix() + "the server refused it (550 5.7.1 Sender not allowed for this "
                + "login); check from: the server does not accept it as the sender (the login may not be allowed to send "
                + "as that address)");
    }

    @Test
    void aSenderRefusedForNowIsTransient() {
        front.answer("MAIL", "451 4.3.0 Mail server temporarily rejected message");

        assertThat(transientReason(send())).isEqualTo(prefix() + "the server asked to try later (451 4.3.0 Mail server "
                + "temporarily rejected message)");
    }

    @Test
    void aRefusedRecipientIsPermanentAndNothingIsSentToTheOthers() {
        front.answer("RCPT", "550 5.1.1 No such user here");

        assertThat(permanent(send())).startsWith(prefix() + "the server refused the recipient(s) security@example.com "
                        + "(550 5.1.1 No such user here)")
                .endsWith("; nothing was sent to anyone. Check to and cc, and that the server relays mail for the sender");
        assertThat(front.commands()).doesNotContain("tls:DATA");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aRecipientRefusedForNowIsTransient() {
        front.answer("RCPT", "452 4.2.2 Mailbox full");

        assertThat(transientReason(send())).startsWith(prefix() + "the server asked to try the recipient(s) later: "
                + "security@example.com (452 4.2.2 Mailbox full)").endsWith("; nothing was sent to anyone");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aMessageRefusedAtDataIsPermanent() {
        front.answer("DATA", "554 5.7.1 Message rejected as spam");

        assertThat(permanent(send())).isEqualTo(prefix() + "the server refused it (554 5.7.1 Message rejected as spam); "
                + "the server refused the message itself: check its size limit and spam policy for the sender");
    }

    @Test
    void aMessageDeferredAtDataIsTransient() {
        front.answer("DATA", "452 4.3.1 Insufficient system storage");

        assertThat(transientReason(send())).isEqualTo(prefix() + "the server asked to try later (452 4.3.1 Insufficient "
                + "system storage)");
    }

    @Test
    void aServerThatIsClosingIsTransientAndOneThatRefusesServiceIsPermanent() {
        front.greeting("421 4.3.2 Service shutting down");
        assertThat(transientReason(send())).startsWith(prefix() + "the server asked to try later (");

        front.greeting("554 5.3.2 No SMTP service here");
        assertThat(permanent(send())).startsWith(prefix() + "the server refused it (");
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        try (Notifier nowhere = create(starttls(port))) {
            String reason = transientReason(nowhere.send(NotifierContract.notificationOf(NotifierContract.sampleEvents())));

            assertThat(reason).startsWith("notifier 'security-mail' (type email): the mail to SMTP server 127.0.0.1:" + port
                    + " (tls: starttls) was not sent: the connection was refused; check host and port (");
        }
    }

    /**
     * The configured timeout is an hour, so only the delivery deadline can end the attempt; without the deadline
     * guard the send blocks and JUnit's hang guard fails the test. No elapsed time is asserted (a wall-clock bound
     * near the deadline flakes on a loaded machine).
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aServerThatNeverAnswersEndsTheAttemptByTheDeadline() throws Exception {
        front.neverAnswer();
        Notification notification = dev.mfamonitor.spi.Notification.of(NotifierContract.SAMPLE_TIME,
                NotifierContract.sampleEvents(), Deadline.after(Duration.ofMillis(400), System::nanoTime));

        try (Notifier patient = create(with(starttls(front.port()), "timeout", "1h"))) {
            String reason = transientReason(patient.send(notification));

            // The read timeout (the rest of the deadline) or the deadline's own timer, whichever fires first.
            assertThat(reason).startsWith("notifier 'security-mail' (type email): ")
                    .contains("SMTP server 127.0.0.1:" + front.port() + " (tls: starttls)");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aDeadlineThatHasPassedSendsNothing() {
        Notification late = dev.mfamonitor.spi.Notification.of(NotifierContract.SAMPLE_TIME, NotifierContract.sampleEvents(),
                Deadline.after(Duration.ZERO, System::nanoTime));

        assertThat(transientReason(notifier.send(late))).isEqualTo(
                "notifier 'security-mail' (type email): the mail was not sent: the delivery deadline had passed");
        assertThat(front.commands()).isEmpty();
    }

    @Test
    void aLoginThatTheServerDoesNotOfferIsRefusedRatherThanSkipped() throws Exception {
        // GreenMail's SMTPS always offers AUTH; the front's EHLO after TLS is GreenMail's too. A relay without AUTH:
        front.answer("EHLO", "250-front.localhost\r\n250 8BITMIME");

        assertThat(permanent(send())).isEqualTo("notifier 'security-mail' (type email): SMTP server 127.0.0.1:"
                + front.port() + " (tls: starttls) offers no authentication (no AUTH in its EHLO answer), so username and "
                + "password cannot be used; nothing was sent. Remove them if this relay takes mail without a login, or "
                + "check host and port");
        assertThat(front.commands()).doesNotContain("tls:AUTH", "tls:MAIL");
    }
}
