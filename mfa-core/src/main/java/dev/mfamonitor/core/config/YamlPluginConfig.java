package dev.mfamonitor.core.config;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.support.Durations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's {@link PluginConfig}: one block of the YAML configuration, as parsed (strings, numbers, booleans,
 * lists, maps).
 *
 * <p>Providers read every key through the getters; the engine then calls {@link #requireAllUsed()}, so that a key no
 * getter read ({@code tokn:} for {@code token:}) fails start-up instead of being ignored. Errors name the instance,
 * the key and the bad value, and never print a secret.
 *
 * <p>A value written {@code ${env:NAME}} is read from the environment variable {@code NAME}; one written
 * {@code ${file:PATH}} from the regular file at {@code PATH} (at most {@value #MAX_FILE_BYTES} bytes, trailing
 * newline trimmed). A key read as a secret must be written one of those two ways: a literal is refused, so that a
 * token pasted into the file fails {@code validate} instead of living in the configuration.
 */
public final class YamlPluginConfig implements PluginConfig {
    /** The largest file a {@code ${file:}} reference reads: secrets and keys are small; 64 KiB holds any PEM key. */
    public static final int MAX_FILE_BYTES = 64 * 1024;

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final String SECRET_FORMS = "write ${env:NAME} (an environment variable) or ${file:PATH} (a file)";

    private final String kind;
    private final String id;
    private final String type;
    private final Map<String, Object> values;
    private final Path baseDirectory;
    private final UnaryOperator<String> environment;
    private final String prefix;
    private final Set<String> used = new LinkedHashSet<>();
    private final List<YamlPluginConfig> sections = new ArrayList<>();
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
    public YamlPluginConfig(String kind, String id, String type, Map<String, ?> values, Path baseDirectory,
                            UnaryOperator<String> environment) {
        this(kind, id, type, values, baseDirectory, environment, "");
    }

    private YamlPluginConfig(String kind, String id, String type, Map<String, ?> values, Path baseDirectory,
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
    public static YamlPluginConfig of(String kind, String id, String type, Map<String, ?> values) {
        return new YamlPluginConfig(kind, id, type, values, Path.of("").toAbsolutePath(), System::getenv);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> missing(key, "a text value"));
    }

    @Override
    public Optional<String> optionalString(String key) {
        return scalar(key).map(raw -> resolve(key, raw, false));
    }

    @Override
    public Secret secret(String key) {
        return optionalSecret(key).orElseThrow(() -> missing(key, "a secret, written ${env:NAME} or ${file:PATH}"));
    }

    @Override
    public Optional<Secret> optionalSecret(String key) {
        Optional<Secret> secret = scalar(key).map(raw -> new Secret(resolve(key, raw, true)));
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

    @Override
    public Optional<Duration> optionalDuration(String key) {
        Object raw = values.get(key);
        if (raw instanceof Boolean) {
            // YAML reads yes/no/on/off/true/false as a boolean; "'true' is not a duration" would not say why.
            used.add(key);
            throw error(key, "is a yes/no value, not a duration; write a duration like 30s, 15m, 24h or 7d"
                    + " (or ISO-8601 PT15M)");
        }
        return optionalString(key).map(text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw bad(key, text, "a duration such as 30s, 15m, 24h or 7d");
            }
        });
    }

    @Override
    public boolean bool(String key, boolean defaultValue) {
        return optionalString(key).map(text -> switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, text, "true or false");
        }).orElse(defaultValue);
    }

    @Override
    public int integer(String key, int defaultValue) {
        return optionalString(key).map(text -> {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw bad(key, text, "a whole number");
            }
        }).orElse(defaultValue);
    }

    @Override
    public Path path(String key) {
        return baseDirectory.resolve(string(key)).normalize();
    }

    @Override
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
            result.add(resolve(key, String.valueOf(element), false));
        }
        return List.copyOf(result);
    }

    @Override
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
        YamlPluginConfig section = new YamlPluginConfig(kind, id, type, nested, baseDirectory, environment, prefix + key + ".");
        sections.add(section);
        return Optional.of(section);
    }

    @Override
    public boolean has(String key) {
        return values.containsKey(key);
    }

    @Override
    public Set<String> keys() {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(values.keySet()));
    }

    /** Keys no getter has read, including those of nested blocks, as {@code parent.child}. */
    public Set<String> unusedKeys() {
        Set<String> unused = new TreeSet<>();
        for (String key : values.keySet()) {
            if (!used.contains(key)) {
                unused.add(prefix + key);
            }
        }
        for (YamlPluginConfig section : sections) {
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
            collectUsed(known);
            throw new ConfigException((unused.size() == 1 ? "property '" + unused.iterator().next() + "' is"
                    : "properties " + quoted(unused) + " are") + " not used by " + describe() + "; known: "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known)));
        }
    }

    private void collectUsed(Set<String> known) {
        used.forEach(k -> known.add(prefix + k));
        sections.forEach(section -> section.collectUsed(known));
    }

    @Override
    public String describe() {
        return kind + " '" + id + "' (type " + type + ")";
    }

    @Override
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

    private String resolve(String key, String raw, boolean secret) {
        Matcher m = REFERENCE.matcher(raw.trim());
        if (!m.matches()) {
            if (secret) {
                // Never echo the value: it is most likely the token itself.
                throw error(key, "is a secret and must not be written in the configuration file; " + SECRET_FORMS);
            }
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
        return stripTrailingNewline(readFile(key, name, baseDirectory.resolve(name).normalize()));
    }

    /**
     * Reads a referenced file: regular files only (a FIFO would block for ever, a device such as /dev/zero never ends),
     * at most {@link #MAX_FILE_BYTES}, checked before and while reading so a growing file cannot get past it.
     */
    private String readFile(String key, String name, Path file) {
        String check = "; check ${file:" + name + "}";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class); // follows links, as Kubernetes mounts need
        } catch (IOException e) {
            throw error(key, "cannot read file " + file + " (" + e.getClass().getSimpleName() + ")" + check);
        }
        if (!attributes.isRegularFile()) {
            throw error(key, file + " is not a regular file (" + (attributes.isDirectory() ? "a directory"
                    : "a device, pipe or socket") + "); ${file:} reads regular files only" + check);
        }
        if (attributes.size() > MAX_FILE_BYTES) {
            throw error(key, "file " + file + " is " + attributes.size() + " bytes, more than the " + MAX_FILE_BYTES
                    + " bytes (64 KiB) a ${file:} reference reads" + check);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw error(key, "cannot read file " + file + " (" + e.getClass().getSimpleName() + ")" + check);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw error(key, "file " + file + " is more than the " + MAX_FILE_BYTES + " bytes (64 KiB) a ${file:} reference reads"
                    + check);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw error(key, "file " + file + " is not UTF-8 text" + check);
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
