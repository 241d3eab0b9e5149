package dev.mfamonitor.notifier.email;

import dev.mfamonitor.notifier.email.EmailNotifierProvider.SmtpSettings;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.support.SafeText;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what went wrong in an SMTP session into a {@link DeliveryResult} a person can act on.
 *
 * <p>SMTP's own rule decides (RFC 5321 section 4.2.1): a 4xx reply is transient, a 5xx permanent. So a refused login
 * (535), a refused sender or recipient (550, 553), a message refused at the end of DATA (554) are permanent; a 421, 450,
 * 451, 452 or 454 transient, as are a connection refused, a dropped connection or a timeout. A TLS failure (a
 * certificate that is not trusted or does not name the host, a server that does not speak TLS) and a server without
 * STARTTLS when it is required are permanent: the configuration or the server must change, and mail is never sent
 * without the protection asked for.
 *
 * <p>Every text from the server or an exception goes through the redactor (which knows the password in every
 * encoding, base64 included) before it is cleaned and cut; the password itself is never put in a message.
 */
final class SmtpFailures {
    private static final int MAX_QUOTED_CHARS = 200;
    private static final Pattern LEADING_CODE = Pattern.compile("^\\s*([2-5][0-9][0-9])[ -]");
    private static final Pattern GREETING_CODE = Pattern.compile("response: ([2-5][0-9][0-9])");

    private final String name;
    private final SmtpSettings smtp;
    private final Redactor redactor;
    /** The AUTH PLAIN answers a server could echo, which the engine's redactor cannot know: it knows the password alone. */
    private final List<String> loginForms;

    SmtpFailures(String name, SmtpSettings smtp, Redactor redactor) {
        this.name = name;
        this.smtp = smtp;
        this.redactor = redactor;
        this.loginForms = loginForms(smtp);
    }

    /**
     * base64 of {@code \0user\0password} (what AUTH PLAIN sends, RFC 4616, with no authorisation id) and of
     * {@code user\0password}, with and without padding; longest first.
     */
    private static List<String> loginForms(SmtpSettings smtp) {
        List<String> forms = new ArrayList<>();
        if (smtp.username().isPresent() && smtp.password().isPresent()) {
            String plain = smtp.username().get() + "\0" + smtp.password().get().reveal();
            for (String answer : List.of("\0" + plain, plain)) {
                byte[] bytes = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                forms.add(java.util.Base64.getEncoder().encodeToString(bytes));
                forms.add(java.util.Base64.getEncoder().withoutPadding().encodeToString(bytes));
            }
        }
        forms.sort(java.util.Comparator.comparingInt(String::length).reversed());
        return List.copyOf(forms);
    }

    /** Every secret out of a foreign text: the AUTH PLAIN forms first, then whatever the engine's redactor knows. */
    String redact(String text) {
        String masked = text == null ? "" : text;
        for (String form : loginForms) {
            masked = masked.replace(form, "****");
        }
        return redactor.redact(masked);
    }

    /** "smtp.example.com:587 (starttls)", for messages. */
    String where() {
        String host = smtp.host().contains(":") ? "[" + smtp.host() + "]" : smtp.host();
        return "SMTP server " + host + ":" + smtp.port() + " (tls: " + smtp.tls().configName() + ")";
    }

    DeliveryResult classify(MessagingException failure, Transport transport) {
        String prefix = name + ": the mail to " + where() + " was not sent: ";

        CertificateException certificate = find(failure, CertificateException.class);
        SSLException tls = find(failure, SSLException.class);
        if (certificate != null || tls != null) {
            String detail = quote(certificate != null ? describe(certificate) : describe(tls));
            boolean wrongName = detail.contains("match") || detail.contains("subject alternative") || detail.contains("identity");
            return DeliveryResult.permanent(prefix + "the TLS handshake failed (" + detail + "); " + (wrongName
                    ? "the server's certificate does not name '" + smtp.host() + "': set host to a name the "
                    + "certificate holds"
                    : "the server's certificate is not trusted, or the server does not speak TLS on this port: add the "
                    + "certificate of the CA that issued it to trustStore (or to the Java runtime's trust store), and "
                    + "check that tls: " + smtp.tls().configName() + " matches the port (587 starttls, 465 smtps)"));
        }
        String message = String.valueOf(failure.getMessage());
        if (message.contains("STARTTLS is required")) {
            return DeliveryResult.permanent(prefix + "the server does not offer STARTTLS, and tls: starttls requires "
                    + "it (mail is never sent in plain text); use the server's STARTTLS port (587), or tls: smtps with "
                    + "its TLS port (465)");
        }
        if (failure instanceof AuthenticationFailedException) {
            int code = code(message).orElse(lastCode(transport));
            String answer = answer(message, transport);
            if (code >= 400 && code <= 499) {
                return DeliveryResult.retry(prefix + "the server could not check the login now (" + answer + ")");
            }
            return DeliveryResult.permanent(prefix + "the server refused the login of username '"
                    + SafeText.clean(smtp.username().orElse("")) + "' (" + answer + "); check username and password "
                    + "(some providers require an app password or SMTP AUTH enabled for the account)");
        }
        if (failure instanceof SendFailedException sendFailed) {
            DeliveryResult byRecipients = recipients(prefix, sendFailed);
            if (byRecipients != null) {
                return byRecipients;
            }
        }
        int code = failure instanceof SMTPSendFailedException sent ? sent.getReturnCode()
                : failure instanceof SMTPSenderFailedException sender ? sender.getReturnCode()
                : code(message).orElse(greetingCode(message).orElse(-1));
        if (code >= 500 && code <= 599) {
            return DeliveryResult.permanent(prefix + "the server refused it (" + answer(message, transport) + "); "
                    + advice(failure));
        }
        if (code >= 400 && code <= 499) {
            return DeliveryResult.retry(prefix + "the server asked to try later (" + answer(message, transport) + ")");
        }
        IOException io = find(failure, IOException.class);
        if (io != null) {
            String what = find(failure, UnknownHostException.class) != null ? "the host name does not resolve; check host"
                    : find(failure, SocketTimeoutException.class) != null ? "the server did not answer in time"
                    : find(failure, ConnectException.class) != null ? "the connection was refused; check host and port"
                    : "the connection failed";
            return DeliveryResult.retry(prefix + what + " (" + quote(describe(io)) + ")");
        }
        int last = lastCode(transport);
        if (last >= 500 && last <= 599) {
            return DeliveryResult.permanent(prefix + "the server refused it (" + answer(message, transport) + ")");
        }
        return DeliveryResult.retry(prefix + quote(describe(failure)));
    }

    /** A refused recipient: permanent if any was refused for good (fix to/cc), else transient. */
    private DeliveryResult recipients(String prefix, SendFailedException failure) {
        List<String> permanent = new ArrayList<>();
        List<String> transientOnes = new ArrayList<>();
        for (Exception next = failure; next != null; ) {
            if (next instanceof SMTPAddressFailedException address) {
                String entry = address.getAddress() + " (" + quote(String.valueOf(address.getMessage())) + ")";
                (address.getReturnCode() >= 500 ? permanent : transientOnes).add(entry);
            }
            next = next instanceof MessagingException messaging ? messaging.getNextException() : null;
        }
        if (permanent.isEmpty() && transientOnes.isEmpty()) {
            Address[] invalid = failure.getInvalidAddresses();
            if (invalid == null || invalid.length == 0) {
                return null;
            }
            for (Address address : invalid) {
                permanent.add(address.toString());
            }
        }
        if (!permanent.isEmpty()) {
            return DeliveryResult.permanent(prefix + "the server refused the recipient(s) " + String.join(", ", permanent)
                    + "; nothing was sent to anyone. Check to and cc, and that the server relays mail for the sender");
        }
        return DeliveryResult.retry(prefix + "the server asked to try the recipient(s) later: "
                + String.join(", ", transientOnes) + "; nothing was sent to anyone");
    }

    private static String advice(MessagingException failure) {
        String command = failure instanceof SMTPSendFailedException sent && sent.getCommand() != null
                ? sent.getCommand().trim().toUpperCase(java.util.Locale.ROOT) : "";
        if (failure instanceof SMTPSenderFailedException || command.startsWith("MAIL")) {
            return "check from: the server does not accept it as the sender (the login may not be allowed to send as "
                    + "that address)";
        }
        if (command.startsWith("DATA") || command.equals(".")) {
            return "the server refused the message itself: check its size limit and spam policy for the sender";
        }
        return "retrying the same mail cannot help: check the server's answer";
    }

    /** The server's reply code and text, or the exception's message, redacted, cleaned, cut. */
    private String answer(String message, Transport transport) {
        String server = transport instanceof SMTPTransport smtpTransport ? smtpTransport.getLastServerResponse() : null;
        String text = message;
        if (code(message).isEmpty() && server != null && code(server).isPresent()) {
            text = server;
        }
        return quote(text);
    }

    private static int lastCode(Transport transport) {
        return transport instanceof SMTPTransport smtpTransport ? smtpTransport.getLastReturnCode() : -1;
    }

    private static java.util.Optional<Integer> code(String text) {
        Matcher matcher = LEADING_CODE.matcher(text == null ? "" : text);
        return matcher.find() ? java.util.Optional.of(Integer.parseInt(matcher.group(1))) : java.util.Optional.empty();
    }

    private static java.util.Optional<Integer> greetingCode(String text) {
        Matcher matcher = GREETING_CODE.matcher(text == null ? "" : text);
        return matcher.find() ? java.util.Optional.of(Integer.parseInt(matcher.group(1))) : java.util.Optional.empty();
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }

    /** The first throwable of a type in the cause chain (and Jakarta Mail's next-exception chain). */
    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            Throwable next = t.getCause();
            if (next == null && t instanceof MessagingException messaging) {
                next = messaging.getNextException();
            }
            t = next;
        }
        return null;
    }

    /** Redacted first, then one line without control characters, then cut. */
    private String quote(String text) {
        String redacted = redact(text);
        String clean = SafeText.clean(redacted.replaceAll("[\\r\\n\\t]+", " ")).trim();
        return clean.length() <= MAX_QUOTED_CHARS ? clean : clean.substring(0, MAX_QUOTED_CHARS) + "...";
    }
}
