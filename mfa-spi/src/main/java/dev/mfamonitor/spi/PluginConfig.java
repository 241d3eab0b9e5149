package dev.mfamonitor.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A typed view of one plugin's configuration block, such as one entry of {@code monitors:}.
 *
 * <p>Providers read every key through the getters; the engine then fails start-up on a key no getter read
 * ({@code tokn:} for {@code token:}) instead of ignoring it. Errors name the instance, the key and the bad value,
 * and never print a secret.
 *
 * <p>A value written {@code ${env:NAME}} is read from the environment variable {@code NAME}; one written
 * {@code ${file:PATH}} from the regular file at {@code PATH} (at most 64 KiB, trailing newline trimmed). A secret must
 * come one of those two ways: a literal value for a key read with {@link #secret} is refused.
 */
public interface PluginConfig {

    /** {@code monitor}, {@code notifier} or {@code state}. */
    String kind();

    /** The instance id. */
    String id();

    /** The provider type. */
    String type();

    /** A required string. */
    String string(String key);

    /** A string with a default. */
    default String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    /** An optional string; {@code ${env:..}} and {@code ${file:..}} references are resolved. */
    Optional<String> optionalString(String key);

    /** A required secret, written {@code ${env:NAME}} or {@code ${file:PATH}}. */
    Secret secret(String key);

    /** An optional secret, written {@code ${env:NAME}} or {@code ${file:PATH}}. */
    Optional<Secret> optionalSecret(String key);

    /** A duration ({@code 30s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code PT15M}) with a default. */
    default Duration duration(String key, Duration defaultValue) {
        return optionalDuration(key).orElse(defaultValue);
    }

    /** An optional duration. */
    Optional<Duration> optionalDuration(String key);

    /** A boolean ({@code true} or {@code false}) with a default. */
    boolean bool(String key, boolean defaultValue);

    /** An integer with a default. */
    int integer(String key, int defaultValue);

    /** A required path, resolved against the configuration file's directory. */
    Path path(String key);

    /** A list of strings; empty when the key is absent. A single value counts as a list of one. */
    List<String> list(String key);

    /** A nested block, such as {@code organization: {roleName: ...}}, read with the same rules as this one. */
    Optional<PluginConfig> section(String key);

    /** Whether the block has the key at all. Does not count as reading it. */
    boolean has(String key);

    /**
     * The keys of this block, in the order written, for blocks whose keys the user chooses (the header names of a
     * {@code headers:} block, say). Listing them does not count as reading them: read each with a getter. The default
     * lists none, so that a key a plugin expected this way is reported as unused instead of ignored.
     *
     * @since SPI 2
     */
    default Set<String> keys() {
        return Set.of();
    }

    /** "monitor 'github-acme' (type github)", for messages. */
    String describe();

    /** An error about one key, for providers' own checks: "monitor 'x' (type y): property 'k': ...". */
    ConfigException error(String key, String problem);
}
