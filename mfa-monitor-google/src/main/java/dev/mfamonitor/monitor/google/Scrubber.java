package dev.mfamonitor.monitor.google;

import dev.mfamonitor.spi.Redactor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The monitor's own redactor, in front of the engine's: the engine knows the configured key as one secret, but not its
 * private key once read out of the JSON, nor the JWT assertion and the access token made at run time. Every text built
 * from a server's answer passes here (and then through the engine's redactor) before it is cut or thrown.
 */
final class Scrubber implements Redactor {
    private static final String MASK = "****";
    /** Cut server text to this many characters, after redaction. */
    static final int MAX_QUOTED = 300;

    private final Redactor engine;
    private volatile List<String> forms = List.of();

    Scrubber(Redactor engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Learns a secret made or read at run time, with its URL-encoded form (a form body echoes it so). */
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

    /** Redacts, then keeps the first {@link #MAX_QUOTED} characters on one line, for quoting a server in a message. */
    String quote(String text) {
        String clean = redact(text == null ? "" : text).replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
        return clean.length() <= MAX_QUOTED ? clean : clean.substring(0, MAX_QUOTED) + "...";
    }
}
