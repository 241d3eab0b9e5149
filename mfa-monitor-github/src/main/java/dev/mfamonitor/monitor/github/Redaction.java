package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Redactor;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This monitor's redaction: the engine's redactor (every configured secret) plus the secrets the monitor makes at run
 * time and the engine never sees (the App's JWT, its installation token). Text is always redacted before it is cut
 * short, because a secret cut in half is no longer recognised.
 */
final class Redaction {
    /** GitHub messages quoted in ours are cut to this many characters, after redaction. */
    static final int MAX_QUOTED = 200;
    private static final String MASK = "****";

    private final Redactor engine;
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    Redaction(Redactor engine) {
        this.engine = engine;
    }

    /** Learns a secret made at run time; longer ones are masked first, so that a secret's part never survives. */
    synchronized void add(String secret) {
        if (secret == null || secret.isEmpty() || secrets.contains(secret)) {
            return;
        }
        secrets.add(secret);
        List<String> sorted = new java.util.ArrayList<>(secrets);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        secrets.clear();
        secrets.addAll(sorted);
    }

    /** The text without any known secret; {@code null} stays {@code null}. */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return engine.redact(result);
    }

    /** Redacts, then cuts to {@link #MAX_QUOTED} characters: in this order, never the other. */
    String quote(String text) {
        String safe = redact(text == null ? "" : text);
        return safe.length() > MAX_QUOTED ? safe.substring(0, MAX_QUOTED) + "..." : safe;
    }
}
