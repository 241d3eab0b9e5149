package dev.mfamonitor.core.context;

import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The one redactor of a configuration: it learns every secret as plugins read them and removes each in every form a
 * server or a library may echo it: as is, URL-encoded (either case of hex), every byte %-encoded, JSON-escaped,
 * base64 (standard and URL-safe, padded or not), and, for a secret that is a URL (a Slack or webhook URL), each long
 * path segment and query value on its own. Text that ends in the first part of a secret (a body cut short before it
 * reached us) loses that part too.
 */
public final class SecretRedactor implements Redactor {
    /** Shorter fragments (a path segment "hooks") are words, not secrets: redacting them would garble messages. */
    private static final int MIN_FRAGMENT = 8;
    /** A cut tail shorter than this is too likely an ordinary word or a URL's scheme. */
    private static final int MIN_CUT_TAIL = 12;
    private static final String MASK = "****";
    /**
     * A longer form (a service account's JSON key, a PEM key) is matched as written, URL-encoded and JSON-escaped:
     * one alternation per character overflows the regex compiler's stack from about a thousand characters on, and the
     * compiler's message would spell the secret out.
     */
    private static final int MAX_ANY_ENCODING = 256;

    /** Every form of every secret, longest first across all secrets: a whole secret is masked before a part of another. */
    private final List<Form> patterns = new CopyOnWriteArrayList<>();

    private record Form(int length, Pattern pattern) {
    }
    private final List<String> values = new CopyOnWriteArrayList<>();

    /** Learns a secret; empty values are ignored. */
    public void add(Secret secret) {
        add(secret.reveal());
    }

    /** Learns a secret value (a token obtained at run time, say). */
    public synchronized void add(String value) {
        if (value == null || value.isEmpty() || values.contains(value)) {
            return;
        }
        values.add(value);
        List<String> forms = new ArrayList<>(new LinkedHashSet<>(formsOf(value)));
        // Longest first, so that a whole secret is masked before one of its fragments.
        forms.sort(Comparator.comparingInt(String::length).reversed());
        List<Form> updated = new ArrayList<>(patterns);
        for (String form : forms) {
            if (form.length() > MAX_ANY_ENCODING) {
                literalForms(form).forEach(p -> updated.add(new Form(form.length(), p)));
            } else if (!form.isEmpty()) {
                updated.add(new Form(form.length(), anyEncoding(form)));
            }
        }
        updated.sort(Comparator.comparingInt(Form::length).reversed());
        patterns.clear();
        patterns.addAll(updated);
    }

    @Override
    public String redact(String text) {
        if (text == null || text.isEmpty() || values.isEmpty()) {
            return text;
        }
        String result = text;
        for (Form form : patterns) {
            result = form.pattern().matcher(result).replaceAll(MASK);
        }
        return maskCutTail(result);
    }

    /**
     * A pattern that finds {@code form} with any of its characters written as itself, %-encoded (either case of hex,
     * as any URL encoder may choose), JSON-escaped ({@code \/}, {@code \u002d}) or, for a space, {@code +}.
     */
    private static Pattern anyEncoding(String form) {
        StringBuilder regex = new StringBuilder();
        form.codePoints().forEach(cp -> {
            String literal = new String(Character.toChars(cp));
            regex.append("(?:").append(Pattern.quote(literal));
            StringBuilder percent = new StringBuilder();
            for (byte b : literal.getBytes(StandardCharsets.UTF_8)) {
                String hex = HexFormat.of().toHexDigits(b);
                percent.append('%').append('[').append(hex.charAt(0)).append(Character.toUpperCase(hex.charAt(0))).append(']')
                        .append('[').append(hex.charAt(1)).append(Character.toUpperCase(hex.charAt(1))).append(']');
            }
            regex.append('|').append(percent);
            if (cp < 0x10000) {
                String u = String.format("%04x", cp);
                regex.append("|\\\\[uU]");
                for (char h : u.toCharArray()) {
                    regex.append('[').append(h).append(Character.toUpperCase(h)).append(']');
                }
            }
            if (cp == '/' || cp == '"' || cp == '\\') {
                regex.append("|\\\\").append(Pattern.quote(literal));
            }
            if (cp == ' ') {
                regex.append("|\\+");
            }
            regex.append(')');
        });
        return Pattern.compile(regex.toString());
    }

    private static List<Pattern> literalForms(String form) {
        String json = form.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t");
        List<Pattern> literal = new ArrayList<>();
        for (String variant : new LinkedHashSet<>(List.of(form, json, json.replace("/", "\\/"),
                URLEncoder.encode(form, StandardCharsets.UTF_8), URLEncoder.encode(form, StandardCharsets.UTF_8).replace("+", "%20")))) {
            literal.add(Pattern.compile(Pattern.quote(variant)));
        }
        return literal;
    }

    private static List<String> formsOf(String value) {
        List<String> forms = new ArrayList<>();
        forms.add(value);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        forms.add(Base64.getEncoder().encodeToString(bytes));
        forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        forms.addAll(urlFragments(value));
        // "Bearer TOKEN", "user:password": a server may echo one part of a short value alone.
        String[] parts = value.split("[\\s:]+");
        if (value.indexOf('\n') < 0 && parts.length <= 4) {
            for (String part : parts) {
                if (!part.equals(value) && secretLooking(part)) {
                    forms.add(part);
                }
            }
        }
        return forms;
    }

    /** Long path segments and query values of a URL-shaped secret, and the URL without its scheme. */
    private static List<String> urlFragments(String value) {
        List<String> fragments = new ArrayList<>();
        if (!value.contains("://")) {
            return fragments;
        }
        try {
            URI uri = URI.create(value.trim());
            if (uri.getRawPath() != null) {
                String path = uri.getRawPath();
                if (path.length() >= MIN_FRAGMENT) {
                    fragments.add(path);
                }
                for (String segment : path.split("/")) {
                    if (secretLooking(segment)) {
                        fragments.add(segment);
                    }
                }
            }
            if (uri.getRawQuery() != null) {
                for (String pair : uri.getRawQuery().split("&")) {
                    String v = pair.substring(pair.indexOf('=') + 1);
                    if (secretLooking(v)) {
                        fragments.add(v);
                    }
                }
            }
            if (uri.getRawUserInfo() != null) {
                fragments.add(uri.getRawUserInfo());
            }
        } catch (IllegalArgumentException notAUri) {
            // not a URL after all: the whole value is still redacted
        }
        return fragments;
    }

    /** Long enough, and not a plain lower-case word like "services" or "webhooks". */
    private static boolean secretLooking(String fragment) {
        return fragment.length() >= MIN_FRAGMENT
                && (fragment.length() >= 16 || !fragment.chars().allMatch(c -> c >= 'a' && c <= 'z' || c == '-' || c == '_'));
    }

    /** A text cut inside a secret ends in its first characters: mask such a tail when it is long enough to matter. */
    private String maskCutTail(String text) {
        for (String value : values) {
            int longest = Math.min(value.length() - 1, text.length());
            for (int n = longest; n >= MIN_CUT_TAIL; n--) {
                if (text.regionMatches(text.length() - n, value, 0, n)) {
                    return text.substring(0, text.length() - n) + MASK;
                }
            }
        }
        return text;
    }
}
