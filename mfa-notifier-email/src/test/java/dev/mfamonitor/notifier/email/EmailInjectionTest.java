package dev.mfamonitor.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.testkit.NotifierContract;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

import static dev.mfamonitor.notifier.email.EmailTestSupport.create;
import static dev.mfamonitor.notifier.email.EmailTestSupport.starttls;
import static dev.mfamonitor.notifier.email.EmailTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile names, monitor ids, details and plugin event type words cannot add a header, end the headers early, or put
 * markup into the HTML part: line breaks and invisible characters are removed, HTML is escaped, non-ASCII is encoded.
 */
class EmailInjectionTest {
    /** Names as a hostile source could make them. */
    static final List<String> CORPUS = List.of(
            "eve\r\nBcc: attacker@evil.example",
            "mallory\nSubject: you are fired",
            "trudy\r\n\r\n<html>fake body</html>",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "\"><a href=\"https://evil.example\">click</a>",
            "ad\u202Enimda\u202C",               // right-to-left override: reads "adadmin"
            "ad\u2066min\u2069 \u200Bx\u2060y",  // isolates, zero-width space, word joiner
            "bob & alice's 'quote'",
            "Zoë Ωmega 名前 🔐");

    private final GreenMail greenMail = EmailTestSupport.greenMail();
    private final StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS);

    @AfterEach
    void stop() {
        front.close();
        greenMail.stop();
    }

    private MimeMessage sendOne(List<ChangeEvent> events) throws Exception {
        try (Notifier notifier = create(with(with(starttls(front.port()), "to", List.of("security@example.com")), "cc", null))) {
            assertThat(notifier.send(NotifierContract.notificationOf(events))).isEqualTo(DeliveryResult.delivered());
        }
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(1);
        return received[0];
    }

    @Test
    void hostileNamesAddNoHeaderAndNoMarkup() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < CORPUS.size(); i++) {
            Account account = new Account(String.valueOf(9000 + i), CORPUS.get(i), "member", MfaStatus.DISABLED, "",
                    java.util.Map.of("role", "admin\r\nX-Evil: 1 <b>"));
            events.add(NotifierContract.accountEvent("evil\r\nX-Injected: yes <i>", "svc\n<u>", EventType.MFA_DISABLED,
                    account, Optional.of(MfaStatus.ENABLED)));
        }
        events.add(NotifierContract.sourceEvent("evil\r\nX-Injected: yes <i>", "svc\n<u>", EventType.MONITOR_FAILED,
                "m", "failed\r\nBcc: attacker@evil.example <script>x</script>"));

        MimeMessage mail = sendOne(events);

        List<String> headerNames = new ArrayList<>();
        for (Enumeration<jakarta.mail.Header> all = mail.getAllHeaders(); all.hasMoreElements(); ) {
            headerNames.add(all.nextElement().getName());
        }
        // GreenMail adds Return-Path and Received; everything else is ours, and nothing more.
        assertThat(headerNames).containsExactlyInAnyOrder("Return-Path", "Received", "Date", "From", "To", "Message-ID",
                "Subject", "MIME-Version", "Content-Type", "Auto-Submitted", "X-Auto-Response-Suppress", "X-Mailer");
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(mail.getRecipients(jakarta.mail.Message.RecipientType.BCC)).isNull();
        assertThat(Arrays.stream(mail.getAllRecipients()).map(Object::toString)).containsExactly("security@example.com");

        String raw = EmailTestSupport.raw(mail);
        String headers = raw.substring(0, raw.indexOf("\r\n\r\n"));
        assertThat(headers).doesNotContain("X-Injected", "X-Evil", "attacker", "Subject: you are fired");

        String text = EmailTestSupport.textPart(mail);
        String html = EmailTestSupport.htmlPart(mail);
        for (String part : List.of(text, html)) {
            assertThat(part).doesNotContain("\u202E", "\u202C", "\u2066", "\u2069", "\u200B", "\u2060")
                    .doesNotContain("eve\r\nBcc").doesNotContain("mallory\nSubject");
        }
        assertThat(text).contains("\"eveBcc: attacker@evil.example\"", "\"adnimda\"", "\"admin xy\"",
                "\"Zoë Ωmega 名前 🔐\"", "\"\\\"><a href=\\\"https://evil.example\\\">click</a>\"");
        // Only our own markup in the HTML part: every < of a source is &lt;.
        assertThat(html).doesNotContain("<script", "<img", "<a ", "<html>fake", "<b>", "<i>", "<u>")
                .contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>",
                        "<code>&lt;img src=x onerror=alert(1)&gt;</code>",
                        "<code>&quot;&gt;&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;</code>",
                        "<code>bob &amp; alice&#39;s &#39;quote&#39;</code>",
                        "<code>Zoë Ωmega 名前 🔐</code>",
                        "role=adminX-Evil: 1 &lt;b&gt;",
                        "<h3>evilX-Injected: yes &lt;i&gt; (svc&lt;u&gt;)</h3>",
                        "failedBcc: attacker@evil.example &lt;script&gt;x&lt;/script&gt;");
        assertThat(html.replaceAll("</?(html|head|meta|title|body|p|strong|h3|ul|li|code)( [^<>]*)?>|<!DOCTYPE html>", ""))
                .as("the HTML part with our own tags taken out has no tag left").doesNotContain("<");
    }

    @Test
    void aPluginsEventTypeWordsCannotBreakTheSubjectLine() throws Exception {
        EventType hostile = EventType.declare("evil.HOSTILE", "Bad\r\nBcc: attacker@evil.example\u202E Ünïcode",
                Severity.CRITICAL, false);
        Account account = new Account("1", "carol", "member", MfaStatus.DISABLED);
        ChangeEvent event = NotifierContract.accountEvent("m", "s", hostile, account, Optional.empty());

        MimeMessage mail = sendOne(List.of(event, NotifierContract.accountEvent("m", "s", EventType.MFA_DISABLED,
                new Account("2", "dave", "member", MfaStatus.DISABLED), Optional.of(MfaStatus.ENABLED))));

        assertThat(mail.getSubject()).isEqualTo("[mfa-monitor] 1 badBcc: attacker@evil.example Ünïcode, 1 MFA disabled");
        String subjectOnTheWire = EmailDeliveryTest.header(mail, "Subject");
        assertThat(subjectOnTheWire).startsWith("=?UTF-8?").doesNotContain("\r\nBcc").doesNotContain("Ü");
        assertThat(mail.getHeader("Bcc")).isNull();
    }
}
