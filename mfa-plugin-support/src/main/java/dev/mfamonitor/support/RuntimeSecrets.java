package dev.mfamonitor.support;

import dev.mfamonitor.spi.Redactor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A plugin's own redactor, in front of the engine's ({@code PluginContext.redactor()}): the engine knows the configured
 * secrets, but not what a plugin derives from them or gets at run time (a private key's parts once parsed, a signed
 * client assertion, an access token). The plugin {@linkplain #add learns} those here; every text built from a server's
 * answer then passes through {@link #redact} (these secrets, then the engine's) or {@link #quote} before it is cut,
 * logged or thrown. Thread-safe.
 */
public final class RuntimeSecrets implements Redactor {
    private static final String MASK = "****";
    /** Server text is cut to this many characters, after redaction. */
    public static final int MAX_QUOTED = 300;

    private final Redactor engine;
    private volatile List<String> forms = List.of();

    /** In front of {@code engine}, the context's redactor. */
    public RuntimeSecrets(Redactor engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Learns a secret made or read at run time, with its URL-encoded and base64 forms. */
    public synchronized void add(String secret) {
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

    /** {@link #add} for each. */
    public void addAll(List<String> secrets) {
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
    public String quote(String text) {
        String clean = SafeText.clean(redact(text == null ? "" : text)).replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
        return clean.length() <= MAX_QUOTED ? clean : clean.substring(0, MAX_QUOTED) + "...";
    }
}
