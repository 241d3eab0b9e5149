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
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

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

    private final List<String> forms = new CopyOnWriteArrayList<>();
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
        Set<String> all = new LinkedHashSet<>(formsOf(value));
        all.removeIf(form -> form.isEmpty() || forms.contains(form));
        List<String> updated = new ArrayList<>(forms);
        updated.addAll(all);
        // Longest first, so that a whole secret is masked before one of its fragments.
        updated.sort(Comparator.comparingInt(String::length).reversed());
        forms.clear();
        forms.addAll(updated);
    }

    @Override
    public String redact(String text) {
        if (text == null || text.isEmpty() || values.isEmpty()) {
            return text;
        }
        String result = text;
        for (String form : forms) {
            if (form.length() < 4 && !values.contains(form)) {
                continue;
            }
            result = replaceIgnoringHexCase(result, form);
        }
        return maskCutTail(result);
    }

    private static List<String> formsOf(String value) {
        List<String> forms = new ArrayList<>();
        forms.add(value);
        forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        forms.add(percentEveryByte(value));
        forms.add(jsonEscaped(value));
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        forms.add(Base64.getEncoder().encodeToString(bytes));
        forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        for (String fragment : urlFragments(value)) {
            forms.add(fragment);
            forms.add(jsonEscaped(fragment));
            forms.add(URLEncoder.encode(fragment, StandardCharsets.UTF_8));
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

    private static String percentEveryByte(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    private static String jsonEscaped(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Percent-encodings may come in either case of hex digits; everything else must match exactly. */
    private static String replaceIgnoringHexCase(String text, String form) {
        if (form.indexOf('%') < 0) {
            return text.replace(form, MASK);
        }
        String lowerText = text.toLowerCase(Locale.ROOT);
        String lowerForm = form.toLowerCase(Locale.ROOT);
        if (lowerText.length() != text.length()) {
            return text.replace(form, MASK);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = lowerText.indexOf(lowerForm); at >= 0; at = lowerText.indexOf(lowerForm, from)) {
            out.append(text, from, at).append(MASK);
            from = at + form.length();
        }
        return out.append(text.substring(from)).toString();
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
