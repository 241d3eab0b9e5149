package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.support.SafeText;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The monitor's own redactor, in front of the engine's: the engine knows the configured token and key as secrets, but
 * not the key's parts once parsed, nor the client assertions and access tokens made at run time. Every text built from
 * a server's answer passes here (and then through the engine's redactor) before it is cut or thrown.
 */
final class Scrubber implements Redactor {
    private static final String MASK = "****";
    /** Server text is cut to this many characters, after redaction. */
    static final int MAX_QUOTED = 300;

    private final Redactor engine;
    private volatile List<String> forms = List.of();

    Scrubber(Redactor engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Learns a secret made or read at run time, with its URL-encoded and base64 forms. */
    synchronized void add(String secret) {
        if (secret == null || secret.length() < 8 || forms.contains(secret)) {
            return;
        }
        List<String> updated = new ArrayList<>(forms);
        updated.add(secret);
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        if (!encoded.equals(secret)) {
            updated.add(encoded);
        }
        updated.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        // Longest first, so that a whole secret goes before a part of it.
        updated.sort(Comparator.comparingInt(String::length).reversed());
        forms = List.copyOf(updated);
    }

    void addAll(List<String> secrets) {
        secrets.forEach(this::add);
    }

    @Override
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String form : forms) {
            if (result.contains(form)) {
                result = result.replace(form, MASK);
            }
        }
        return engine.redact(result);
    }

    /** Redacted, invisible characters and line breaks removed, then cut: for quoting a server in a message. */
    String quote(String text) {
        String clean = SafeText.clean(redact(text == null ? "" : text)).replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
        return clean.length() <= MAX_QUOTED ? clean : clean.substring(0, MAX_QUOTED) + "...";
    }
}
