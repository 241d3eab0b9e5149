package dev.mfamonitor.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A typed view of one plugin's configuration block, such as one entry of {@code monitors:}.
 *
 * <p>Providers read every key through the getters; the engine then calls {@link #requireAllUsed()}, so that a key no
 * getter read ({@code tokn:} for {@code token:}) fails start-up instead of being ignored. Errors name the instance,
 * the key and the bad value, and never print a secret.
 *
 * <p>A value written {@code ${env:NAME}} is read from the environment variable {@code NAME}; one written
 * {@code ${file:PATH}} from the file at {@code PATH}, trailing newline trimmed. Secrets should always come this way.
 */
public final class PluginConfig {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");

    private final String kind;
    private final String id;
    private final String type;
    private final Map<String, Object> values;
    private final Path baseDirectory;
    private final UnaryOperator<String> environment;
    private final String prefix;
    private final Set<String> used = new LinkedHashSet<>();
    private final List<PluginConfig> sections = new ArrayList<>();
    private final List<Secret> secretsRead = new ArrayList<>();

    /**
     * @param kind          {@code monitor}, {@code notifier} or {@code state}, for messages
     * @param id            the instance id, for messages
     * @param type          the provider type
     * @param values        the block's keys and values as parsed from YAML (strings, numbers, booleans, lists, maps),
     *                      without {@code id} and {@code type}
     * @param baseDirectory relative paths are resolved against it (the configuration file's directory)
     * @param environment   looks up environment variables; {@code System::getenv} outside tests
     */
    public PluginConfig(String kind, String id, String type, Map<String, ?> values, Path baseDirectory,
                        UnaryOperator<String> environment) {
        this(kind, id, type, values, baseDirectory, environment, "");
    }

    private PluginConfig(String kind, String id, String type, Map<String, ?> values, Path baseDirectory,
                         UnaryOperator<String> environment, String prefix) {
        this.prefix = prefix;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.id = Objects.requireNonNull(id, "id");
        this.type = Objects.requireNonNull(type, "type");
        this.values = new LinkedHashMap<>(values);
        this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory");
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** A configuration for code that builds plugins itself: paths relative to the working directory, the real environment. */
    public static PluginConfig of(String kind, String id, String type, Map<String, ?> values) {
        return new PluginConfig(kind, id, type, values, Path.of("").toAbsolutePath(), System::getenv);
    }

    /** {@code monitor}, {@code notifier} or {@code state}. */
    public String kind() {
        return kind;
    }

    /** The instance id. */
    public String id() {
        return id;
    }

    /** The provider type. */
    public String type() {
        return type;
    }

    /** A required string. */
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> missing(key, "a text value"));
    }

    /** A string with a default. */
    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    /** An optional string; {@code ${env:..}} and {@code ${file:..}} references are resolved. */
    public Optional<String> optionalString(String key) {
        return scalar(key).map(raw -> resolve(key, raw));
    }

    /** A required secret. */
    public Secret secret(String key) {
        return optionalSecret(key).orElseThrow(() -> missing(key, "a secret, written ${env:NAME} or ${file:PATH}"));
    }

    /** An optional secret. */
    public Optional<Secret> optionalSecret(String key) {
        Optional<Secret> secret = scalar(key).map(raw -> new Secret(resolve(key, raw)));
        secret.ifPresent(secretsRead::add);
        return secret;
    }

    /**
     * Every secret read so far, nested blocks included, so that whoever created the plugin can scrub them from the
     * plugin's error messages before logging or storing them.
     */
    public List<Secret> secrets() {
        List<Secret> all = new ArrayList<>(secretsRead);
        sections.forEach(section -> all.addAll(section.secrets()));
        return List.copyOf(all);
    }

    /** A duration ({@code 30s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code PT15M}) with a default. */
    public Duration duration(String key, Duration defaultValue) {
        return optionalDuration(key).orElse(defaultValue);
    }

    /** An optional duration. */
    public Optional<Duration> optionalDuration(String key) {
        return optionalString(key).map(text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw bad(key, text, "a duration such as 30s, 15m, 24h or 7d");
            }
        });
    }

    /** A boolean ({@code true} or {@code false}) with a default. */
    public boolean bool(String key, boolean defaultValue) {
        return optionalString(key).map(text -> switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, text, "true or false");
        }).orElse(defaultValue);
    }

    /** An integer with a default. */
    public int integer(String key, int defaultValue) {
        return optionalString(key).map(text -> {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw bad(key, text, "a whole number");
            }
        }).orElse(defaultValue);
    }

    /** A required path, resolved against the configuration file's directory. */
    public Path path(String key) {
        return baseDirectory.resolve(string(key)).normalize();
    }

    /** A list of strings; empty when the key is absent. A single value counts as a list of one. */
    public List<String> list(String key) {
        used.add(key);
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        List<?> raw = value instanceof List<?> l ? l : List.of(value);
        List<String> result = new ArrayList<>();
        for (Object element : raw) {
            if (element instanceof Map<?, ?> || element instanceof List<?>) {
                throw bad(key, String.valueOf(element), "a list of plain values");
            }
            result.add(resolve(key, String.valueOf(element)));
        }
        return List.copyOf(result);
    }

    /** A nested block, such as {@code organization: {roleName: ...}}, read with the same rules as this one. */
    public Optional<PluginConfig> section(String key) {
        used.add(key);
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw bad(key, String.valueOf(value), "a block of keys");
        }
        Map<String, Object> nested = new LinkedHashMap<>();
        map.forEach((k, v) -> nested.put(String.valueOf(k), v));
        PluginConfig section = new PluginConfig(kind, id, type, nested, baseDirectory, environment, prefix + key + ".");
        sections.add(section);
        return Optional.of(section);
    }

    /** Whether the block has the key at all. Does not count as reading it. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Keys no getter has read, including those of nested blocks, as {@code parent.child}. */
    public Set<String> unusedKeys() {
        Set<String> unused = new TreeSet<>();
        for (String key : values.keySet()) {
            if (!used.contains(key)) {
                unused.add(prefix + key);
            }
        }
        for (PluginConfig section : sections) {
            unused.addAll(section.unusedKeys());
        }
        return unused;
    }

    /**
     * Fails when a key was never read: "property 'tokn' is not used by monitor 'github-acme' (type github); known:
     * organization, token".
     */
    public void requireAllUsed() {
        Set<String> unused = unusedKeys();
        if (!unused.isEmpty()) {
            Set<String> known = new TreeSet<>();
            used.forEach(k -> known.add(prefix + k));
            for (PluginConfig section : sections) {
                section.used.forEach(k -> known.add(section.prefix + k));
            }
            throw new ConfigException((unused.size() == 1 ? "property '" + unused.iterator().next() + "' is"
                    : "properties " + quoted(unused) + " are") + " not used by " + describe() + "; known: "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known)));
        }
    }

    /** "monitor 'github-acme' (type github)", for messages. */
    public String describe() {
        return kind + " '" + id + "' (type " + type + ")";
    }

    /** An error about one key, for providers' own checks: "monitor 'x' (type y): property 'k': ...". */
    public ConfigException error(String key, String problem) {
        return new ConfigException(describe() + ": property '" + prefix + key + "': " + problem);
    }

    private Optional<String> scalar(String key) {
        used.add(key);
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw error(key, "expected a single value, found a " + (value instanceof Map<?, ?> ? "block" : "list"));
        }
        return Optional.of(String.valueOf(value));
    }

    private String resolve(String key, String raw) {
        Matcher m = REFERENCE.matcher(raw.trim());
        if (!m.matches()) {
            if (raw.contains("${")) {
                throw error(key, "cannot read reference '" + raw.trim() + "'; write ${env:NAME} or ${file:PATH}");
            }
            return raw;
        }
        String source = m.group(1);
        String name = m.group(2).trim();
        if (name.isEmpty()) {
            throw error(key, "the reference ${" + source + ":} names no " + (source.equals("env") ? "variable" : "file"));
        }
        if (source.equals("env")) {
            String value = environment.apply(name);
            if (value == null) {
                throw error(key, "environment variable " + name + " is not set; set it or change ${env:" + name + "}");
            }
            return value;
        }
        Path file = baseDirectory.resolve(name).normalize();
        try {
            return stripTrailingNewline(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw error(key, "cannot read file " + file + " (" + e.getClass().getSimpleName() + "); check ${file:" + name + "}");
        }
    }

    private static String stripTrailingNewline(String text) {
        String result = text;
        while (result.endsWith("\n") || result.endsWith("\r")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private ConfigException missing(String key, String what) {
        return error(key, "is required: " + what);
    }

    private ConfigException bad(String key, String value, String expected) {
        // A value read through a reference may be a secret: show the reference, never what it resolved to.
        String shown = values.get(key) instanceof String raw && REFERENCE.matcher(raw.trim()).matches() ? raw.trim() : value;
        return error(key, "'" + shown + "' is not valid; expected " + expected);
    }

    private static String quoted(Set<String> keys) {
        return "'" + String.join("', '", keys) + "'";
    }
}
