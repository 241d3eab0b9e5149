package dev.mfamonitor.notifier.email;

import dev.mfamonitor.notifier.email.EmailNotifierProvider.Recipients;
import dev.mfamonitor.notifier.email.EmailNotifierProvider.SmtpSettings;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginContext;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends each notification as one e-mail, in one SMTP session per {@link #send} (the engine retries).
 *
 * <p>The session is set up so that it cannot fall back to anything weaker than configured: with {@code starttls} the
 * STARTTLS upgrade is required before anything else (a server that does not offer it is refused, never talked to in
 * clear); the server's certificate chain is checked against the configured trust and its name against {@code host};
 * the password is sent only inside TLS, and only by PLAIN or LOGIN. Jakarta Mail's debug output stays off, and its
 * protocol trace (a {@code java.util.logging} logger at FINEST) hides the AUTH exchange, whose base64 carries the
 * password; a test proves neither reaches a log line.
 *
 * <p>Every message gets a {@code Message-ID} made from the notification's id, so a retry of the same notification (in
 * this run or a later one) is recognisably the same mail, and a mail client can thread or drop the repeat.
 */
final class EmailNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(EmailNotifier.class);
    /**
     * Angus Mail's SMTP logger ({@code java.util.logging}), held so that its level stays set. Below INFO it traces the
     * protocol (every server reply, which a hostile or broken server may fill with anything, and the message itself)
     * and logs failures with the server's text, none of it through our redactor; so it is capped at INFO, whatever the
     * logging configuration asks of its parents. What happened is reported by this notifier instead.
     */
    private static final java.util.logging.Logger ANGUS_SMTP = java.util.logging.Logger.getLogger("org.eclipse.angus.mail.smtp");

    static {
        ANGUS_SMTP.setLevel(java.util.logging.Level.INFO);
    }

    private final String name;
    private final String id;
    private final SmtpSettings smtp;
    private final Recipients recipients;
    private final String subjectPrefix;
    private final PluginContext context;
    private final SmtpFailures failures;
    private ScheduledExecutorService deadlines;

    EmailNotifier(String name, String id, SmtpSettings smtp, Recipients recipients, String subjectPrefix,
                  PluginContext context) {
        this.name = Objects.requireNonNull(name, "name");
        this.id = Objects.requireNonNull(id, "id");
        this.smtp = Objects.requireNonNull(smtp, "smtp");
        this.recipients = Objects.requireNonNull(recipients, "recipients");
        this.subjectPrefix = Objects.requireNonNull(subjectPrefix, "subjectPrefix");
        this.context = Objects.requireNonNull(context, "context");
        this.failures = new SmtpFailures(name, smtp, context.redactor());
    }

    @Override
    public DeliveryResult send(Notification notification) {
        Duration remaining = notification.deadline().remaining();
        if (remaining.isZero()) {
            return DeliveryResult.retry(name + ": the mail was not sent: the delivery deadline had passed");
        }
        long operationMillis = Math.max(1, Math.min(smtp.timeout().toMillis(), remaining.toMillis()));
        AttemptSockets sockets = new AttemptSockets(smtp.tlsSockets());
        Session session = Session.getInstance(properties(operationMillis, sockets));
        session.setDebug(false);
        session.setDebugOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));

        ScheduledFuture<?> watchdog = deadlines().schedule(sockets::closeAll, remaining.toMillis(), TimeUnit.MILLISECONDS);
        Transport transport = null;
        try {
            MimeMessage message = message(session, EmailContent.of(notification, subjectPrefix, id), notification);
            transport = session.getTransport(smtp.tls().protocol());
            transport.connect(smtp.host(), smtp.port(), smtp.username().orElse(null),
                    smtp.password().map(p -> p.reveal()).orElse(null));
            if (smtp.username().isPresent() && transport instanceof SMTPTransport smtpTransport
                    && !smtpTransport.supportsExtension("AUTH")) {
                return DeliveryResult.permanent(name + ": " + failures.where() + " offers no authentication (no AUTH in "
                        + "its EHLO answer), so username and password cannot be used; nothing was sent. Remove them if "
                        + "this relay takes mail without a login, or check host and port");
            }
            transport.sendMessage(message, message.getAllRecipients());
            LOG.debug("{}: sent {} event(s) to {} recipient(s) through {} (Message-ID {})", name,
                    notification.events().size(), message.getAllRecipients().length, failures.where(),
                    message.getMessageID());
            return DeliveryResult.delivered();
        } catch (MessagingException e) {
            if (sockets.closedByDeadline()) {
                return DeliveryResult.retry(name + ": " + failures.where() + " did not finish the SMTP exchange by the "
                        + "delivery deadline; the events stay pending");
            }
            DeliveryResult result = failures.classify(e, transport);
            LOG.debug("{}: attempt failed: {}", name, result);
            return result;
        } catch (RuntimeException e) {
            // Jakarta Mail reports some socket failures unchecked (an IllegalStateException from a closed socket).
            if (sockets.closedByDeadline()) {
                return DeliveryResult.retry(name + ": " + failures.where() + " did not finish the SMTP exchange by the "
                        + "delivery deadline; the events stay pending");
            }
            throw e;
        } finally {
            closeQuietly(transport);
            watchdog.cancel(false);
        }
    }

    private Properties properties(long operationMillis, AttemptSockets sockets) {
        String prefix = "mail." + smtp.tls().protocol() + ".";
        Properties props = new Properties();
        props.setProperty("mail.transport.protocol", smtp.tls().protocol());
        props.setProperty(prefix + "host", smtp.host());
        props.setProperty(prefix + "port", Integer.toString(smtp.port()));
        props.setProperty(prefix + "connectiontimeout", Long.toString(operationMillis));
        props.setProperty(prefix + "timeout", Long.toString(operationMillis));
        props.setProperty(prefix + "from", recipients.from().getAddress());
        // Never a partial send: a recipient refused means nothing is sent, so a retry cannot duplicate the others.
        props.setProperty(prefix + "sendpartial", "false");
        props.setProperty(prefix + "auth", Boolean.toString(smtp.username().isPresent()));
        props.setProperty(prefix + "auth.mechanisms", "PLAIN LOGIN");
        // Debug output off, and the AUTH exchange kept out of the protocol trace even if someone turns it on.
        props.setProperty("mail.debug", "false");
        props.setProperty("mail.debug.auth", "false");
        props.setProperty("mail.debug.auth.username", "false");
        props.setProperty("mail.debug.auth.password", "false");
        props.setProperty(prefix + "socketFactory.fallback", "false");
        props.put(prefix + "socketFactory", sockets.plain());
        switch (smtp.tls()) {
            case STARTTLS -> {
                props.setProperty(prefix + "starttls.enable", "true");
                props.setProperty(prefix + "starttls.required", "true");
                tlsProperties(props, prefix, sockets);
            }
            case SMTPS -> {
                props.setProperty(prefix + "ssl.enable", "true");
                tlsProperties(props, prefix, sockets);
            }
            case NONE -> props.setProperty(prefix + "starttls.enable", "false");
        }
        return props;
    }

    private static void tlsProperties(Properties props, String prefix, AttemptSockets sockets) {
        props.put(prefix + "ssl.socketFactory", sockets.tls());
        props.setProperty(prefix + "ssl.checkserveridentity", "true");
        props.setProperty(prefix + "ssl.protocols", "TLSv1.3 TLSv1.2");
    }

    private MimeMessage message(Session session, EmailContent content, Notification notification)
            throws MessagingException {
        MimeMessage message = new FixedIdMessage(session, messageId(notification));
        message.setFrom(recipients.from());
        message.setRecipients(Message.RecipientType.TO, recipients.to().toArray(InternetAddress[]::new));
        if (!recipients.cc().isEmpty()) {
            message.setRecipients(Message.RecipientType.CC, recipients.cc().toArray(InternetAddress[]::new));
        }
        // MIME-encodes anything outside ASCII (RFC 2047) and folds long subjects; the text has no line break.
        message.setSubject(content.subject(), "UTF-8");
        message.setSentDate(Date.from(context.clock().instant()));
        // RFC 3834: an automatic message, so that vacation responders and ticket systems do not answer it.
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("X-Auto-Response-Suppress", "All");
        message.setHeader("X-Mailer", "mfa-monitor");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    /**
     * {@code <mfa-monitor.msg_0123...@example.com>}: the notification's id (the same for every retry of the same
     * events) at the sender's domain.
     */
    String messageId(Notification notification) {
        String address = recipients.from().getAddress();
        String domain = address.substring(address.lastIndexOf('@') + 1);
        if (!domain.matches("[A-Za-z0-9.-]+")) {
            domain = "mfa-monitor.invalid";
        }
        return "<mfa-monitor." + notification.id().replaceAll("[^A-Za-z0-9_.-]", "") + "@" + domain + ">";
    }

    private synchronized ScheduledExecutorService deadlines() {
        if (deadlines == null) {
            deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "mfa-email-deadline-" + id);
                thread.setDaemon(true);
                return thread;
            });
        }
        return deadlines;
    }

    private void closeQuietly(Transport transport) {
        if (transport == null) {
            return;
        }
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            // The mail was sent or the attempt already failed; a QUIT that fails changes neither.
            LOG.debug("{}: closing the SMTP connection failed ({})", name, e.getClass().getSimpleName());
        }
    }

    @Override
    public synchronized void close() {
        if (deadlines != null) {
            deadlines.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return name + " -> " + failures.where();
    }

    /** A message whose {@code Message-ID} is ours, not Jakarta Mail's random one. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
