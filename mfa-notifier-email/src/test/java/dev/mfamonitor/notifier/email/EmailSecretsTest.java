package dev.mfamonitor.notifier.email;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static dev.mfamonitor.notifier.email.EmailTestSupport.PASSWORD;
import static dev.mfamonitor.notifier.email.EmailTestSupport.USERNAME;
import static dev.mfamonitor.notifier.email.EmailTestSupport.create;
import static dev.mfamonitor.notifier.email.EmailTestSupport.starttls;
import static dev.mfamonitor.notifier.email.EmailTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SMTP password is a canary: through a good login, a refused one, servers that echo it (plain and base64) in every
 * reply, a dropped connection and an untrusted certificate, with every SLF4J logger at TRACE and Jakarta Mail's own
 * {@code java.util.logging} loggers at FINEST (where its protocol trace, AUTH lines included unless suppressed, would
 * go), and with standard output and error captured (where its debug output would go): the password, its base64 and the
 * base64 of the AUTH PLAIN answer appear in no log line, no printed byte, no failure reason.
 */
class EmailSecretsTest {
    private final GreenMail greenMail = EmailTestSupport.greenMail();
    private final StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final java.util.logging.Logger angus = java.util.logging.Logger.getLogger("org.eclipse.angus.mail");
    private final java.util.logging.Logger jakarta = java.util.logging.Logger.getLogger("jakarta.mail");
    private final List<String> julLines = new ArrayList<>();
    private final Handler julCapture = new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLoggerName()).append(" ").append(record.getMessage());
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    line.append(" | ").append(parameter);
                }
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(" | ").append(trace);
            }
            julLines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final List<String> reasons = new ArrayList<>();
    private Level rootLevel;
    private PrintStream stdout;
    private PrintStream stderr;

    @BeforeEach
    void captureEverything() {
        rootLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        logs.start();
        root.addAppender(logs);
        for (java.util.logging.Logger logger : List.of(angus, jakarta)) {
            logger.setLevel(java.util.logging.Level.FINEST);
            logger.addHandler(julCapture);
        }
        stdout = System.out;
        stderr = System.err;
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
        for (java.util.logging.Logger logger : List.of(angus, jakarta)) {
            logger.removeHandler(julCapture);
            logger.setLevel(null);
        }
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        front.close();
        greenMail.stop();
    }

    private void sendCollecting(Notifier notifier) {
        DeliveryResult result = notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        if (result instanceof DeliveryResult.Transient failure) {
            reasons.add(failure.reason());
        } else if (result instanceof DeliveryResult.Permanent failure) {
            reasons.add(failure.reason());
        }
    }

    @Test
    void thePasswordInNoFormReachesALogLinePrintedOutputOrAFailureReason() throws Exception {
        String echo = String.join(" ", EmailTestSupport.formsOf(USERNAME, PASSWORD));
        try (Notifier notifier = create(starttls(front.port()))) {
            sendCollecting(notifier);                                       // success: STARTTLS, AUTH, the mail
            assertThat(greenMail.getReceivedMessages()).hasSize(3);
            for (String verb : List.of("AUTH", "MAIL", "RCPT", "DATA")) {
                for (String code : List.of("454 4.7.0", "535 5.7.8")) {
                    front.answer(verb, code + " echo " + echo);
                    sendCollecting(notifier);                               // a server quoting the secret in its reply
                }
                front.answer(verb, null);
            }
            front.greeting("421 4.3.2 " + echo);
            sendCollecting(notifier);
        }
        try (Notifier wrong = create(with(starttls(front.port()), "password", PASSWORD + "-wrong"))) {
            front.greeting("220 front.localhost ESMTP ready");
            // This notifier's secret is the wrong password: a server echoes that one.
            front.answer("AUTH", "535 5.7.8 " + String.join(" ", EmailTestSupport.formsOf(USERNAME, PASSWORD + "-wrong")));
            sendCollecting(wrong);
            front.answer("AUTH", null);
        }
        try (StartTlsFront untrusted = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.WRONG_NAME_KEYS);
             Notifier notifier = create(starttls(untrusted.port()))) {
            sendCollecting(notifier);                                       // refused at the handshake
        }
        // A port nothing listens on (closing the front instead raced with a connection it had still accepted, which
        // then met the scripted echo of another notifier's password: a secret this notifier cannot know).
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        Notifier closedServer = create(starttls(closedPort));
        sendCollecting(closedServer);                                       // refused connection
        closedServer.close();

        assertThat(reasons).as("failures seen").hasSizeGreaterThanOrEqualTo(11);
        assertThat(julLines).as("Jakarta Mail's loggers at FINEST were heard").anyMatch(line -> line.startsWith("jakarta.mail "));
        assertThat(julLines).as("but Angus Mail's SMTP logging and protocol trace stay off (capped at INFO)")
                .noneMatch(line -> line.startsWith("org.eclipse.angus.mail.smtp"));
        assertThat(logs.list).as("log lines at TRACE").isNotEmpty();
        assertNoSecret(PASSWORD);
        assertNoSecret(PASSWORD + "-wrong");
    }

    @Test
    void theTrustStorePasswordNeverReachesAnError() {
        String secret = "trust-CANARY-c9d2e4";
        Map<String, Object> values = with(starttls(front.port()), "trustStore",
                Map.of("path", TestTls.TRUST_STORE.toString(), "password", secret));

        assertThatThrownBy(() -> create(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'trustStore': path " + TestTls.TRUST_STORE)
                .hasMessageContaining("check trustStore.password")
                .message().doesNotContain(secret).doesNotContain("CANARY");
    }

    @Test
    void theNotifierDescribesItselfWithoutThePassword() throws Exception {
        try (Notifier notifier = create(starttls(front.port()))) {
            assertThat(notifier.toString()).isEqualTo("notifier 'security-mail' (type email) -> SMTP server 127.0.0.1:"
                    + front.port() + " (tls: starttls)");
        }
    }

    private void assertNoSecret(String secret) {
        Set<String> forms = EmailTestSupport.formsOf(USERNAME, secret);
        forms.add("CANARY/7f3a");   // the distinctive part alone: no text of ours may cut the password and show a piece
        List<String> texts = new ArrayList<>(reasons);
        for (ILoggingEvent event : logs.list) {
            texts.add(event.getLoggerName() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())));
        }
        texts.addAll(julLines);
        texts.add(printed.toString(StandardCharsets.UTF_8));
        for (String text : texts) {
            for (String form : forms) {
                assertThat(text).as("a log line, printed output or reason").doesNotContain(form);
            }
        }
    }
}
