package dev.mfamonitor.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.TestContext;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared pieces of the e-mail tests: configurations as YAML gives them, a GreenMail on loopback, canary forms. */
final class EmailTestSupport {
    /** The SMTP login. */
    static final String USERNAME = "mfa-sender";
    /** The SMTP password: a canary, with characters whose encoded forms differ from the plain one. */
    static final String PASSWORD = "pw-CANARY/7f3a+e91\"c2x";
    static final String FROM = "mfa-monitor <mfa-monitor@example.com>";
    static final Instant NOW = Instant.parse("2026-03-02T09:00:07Z");

    private EmailTestSupport() {
    }

    /** GreenMail with plain SMTP and SMTPS (the test key) on 127.0.0.1, and the login USERNAME / PASSWORD. */
    static GreenMail greenMail() {
        TestTls.init();
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
        ServerSetup smtps = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort();
        // A busy build machine: GreenMail's 2 s start-up limit is too short for the first TLS set-up there.
        smtp.setServerStartupTimeout(30_000);
        smtps.setServerStartupTimeout(30_000);
        GreenMail greenMail = new GreenMail(new ServerSetup[] {smtp, smtps});
        greenMail.start();
        greenMail.setUser("mfa-monitor@example.com", USERNAME, PASSWORD);
        return greenMail;
    }

    /** The usual block: STARTTLS to a front on 127.0.0.1, with login, the test trust store, two To and one Cc. */
    static Map<String, Object> starttls(int port) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("host", "127.0.0.1");
        values.put("port", port);
        values.put("tls", "starttls");
        values.put("username", USERNAME);
        values.put("password", PASSWORD);
        values.put("from", FROM);
        values.put("to", List.of("security@example.com", "Security Operations <soc@example.com>"));
        values.put("cc", List.of("ciso@example.com"));
        values.put("trustStore", Map.of("path", TestTls.TRUST_STORE.toString(), "password", TestTls.TRUST_STORE_PASSWORD));
        return values;
    }

    /** A copy of {@code values} with {@code key} set ({@code null} removes it). */
    static Map<String, Object> with(Map<String, Object> values, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    /** The block as YAML gives it: the secrets (password, trustStore.password) written as ${env:...}. */
    static YamlPluginConfig config(Map<String, ?> values) {
        Map<String, Object> block = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.equals("password") && value instanceof String text) {
                env.put("SMTP_PASSWORD", text);
                block.put(key, "${env:SMTP_PASSWORD}");
            } else if (key.equals("trustStore") && value instanceof Map<?, ?> trust) {
                Map<String, Object> nested = new LinkedHashMap<>();
                trust.forEach((k, v) -> {
                    if (k.equals("password")) {
                        env.put("TRUST_PASSWORD", String.valueOf(v));
                        nested.put("password", "${env:TRUST_PASSWORD}");
                    } else {
                        nested.put(String.valueOf(k), v);
                    }
                });
                block.put(key, nested);
            } else {
                block.put(key, value);
            }
        });
        return new YamlPluginConfig("notifier", "security-mail", "email", block, Path.of("").toAbsolutePath(), env::get);
    }

    /** A context whose redactor knows the secrets of {@code values}, as the engine's would. */
    static TestContext context(Map<String, ?> values) {
        TestContext context = TestContext.at("security-mail", NOW);
        if (values.get("password") instanceof String password) {
            context.withSecretValues(password);
        }
        if (values.get("trustStore") instanceof Map<?, ?> trust && trust.get("password") != null) {
            context.withSecretValues(String.valueOf(trust.get("password")));
        }
        return context;
    }

    static Notifier create(Map<String, ?> values) {
        return create(values, context(values));
    }

    /** Creates through the provider and checks, as the runner does, that every key was read. */
    static Notifier create(Map<String, ?> values, TestContext context) {
        YamlPluginConfig config = config(values);
        Notifier notifier = new EmailNotifierProvider().create(config, context);
        config.requireAllUsed();
        return notifier;
    }

    /** The text/plain part of a received message. */
    static String textPart(MimeMessage message) {
        return part(message, 0);
    }

    /** The text/html part of a received message. */
    static String htmlPart(MimeMessage message) {
        return part(message, 1);
    }

    private static String part(MimeMessage message, int index) {
        try {
            BodyPart part = ((Multipart) message.getContent()).getBodyPart(index);
            return (String) part.getContent();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole message as it went over the wire. */
    static String raw(MimeMessage message) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            message.writeTo(out);
            return out.toString(StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A secret in every form it could leak in: as is, URL-encoded, JSON-escaped, base64 (AUTH LOGIN sends the password
     * so), and the base64 of the AUTH PLAIN answer ({@code \0user\0password}) with and without the leading NUL.
     */
    static Set<String> formsOf(String username, String secret) {
        Set<String> forms = new LinkedHashSet<>();
        Base64.Encoder base64 = Base64.getEncoder();
        forms.add(secret);
        forms.add(java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8));
        forms.add(secret.replace("\\", "\\\\").replace("\"", "\\\""));
        forms.add(base64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        forms.add(base64.withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        forms.add(base64.encodeToString(("\0" + username + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        forms.add(base64.encodeToString((username + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        return forms;
    }
}
