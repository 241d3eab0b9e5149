package dev.mfamonitor.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;

import java.util.Arrays;
import java.util.List;

/**
 * The e-mail notifier against {@link NotifierContract}, over STARTTLS with a login to GreenMail, one recipient so that
 * each mail is one message in GreenMail. What the channel delivered is each mail's text/plain part, where names appear
 * in double quotes.
 */
class EmailNotifierContractTest extends NotifierContract {
    private final GreenMail greenMail = EmailTestSupport.greenMail();
    private final StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS);

    @AfterEach
    void stop() {
        front.close();
        greenMail.stop();
    }

    @Override
    protected Notifier createNotifier() {
        return EmailTestSupport.create(EmailTestSupport.with(EmailTestSupport.with(
                EmailTestSupport.starttls(front.port()), "to", List.of("security@example.com")), "cc", null));
    }

    @Override
    protected List<String> deliveredMessages() {
        MimeMessage[] received = greenMail.getReceivedMessages();
        return Arrays.stream(received).map(EmailTestSupport::textPart).toList();
    }

    @Override
    protected String rendered(String accountName) {
        return NotificationTextQuote.quote(accountName);
    }

    /** Names in the text part are quoted as {@link dev.mfamonitor.support.NotificationText#quote} does. */
    private static final class NotificationTextQuote {
        static String quote(String name) {
            return dev.mfamonitor.support.NotificationText.quote(name);
        }
    }
}
