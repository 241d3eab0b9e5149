package dev.mfamonitor.spi;

/**
 * A factory for one kind of plugin, found by {@link java.util.ServiceLoader}.
 *
 * <p>Implementations have a public no-argument constructor that does nothing: every provider on the plugin path is
 * instantiated at start-up to learn its {@link #type()}, but only those the configuration names are asked to
 * {@link #create} anything. Built-in providers are found and created exactly like those of plugin jars.
 *
 * @param <T> what the provider creates
 */
public interface PluginProvider<T extends AutoCloseable> {

    /** The name used as {@code type:} in configuration, such as {@code github}; lower case, unique among providers of this kind. */
    String type();

    /**
     * The SPI version the provider was built against: implement it as {@code return SpiVersion.CURRENT;}. The
     * constant is compiled into the provider's class, so a runner whose SPI is older than the plugin's refuses the
     * plugin with a message naming both versions instead of failing later with a missing method.
     */
    int spiVersion();

    /**
     * Creates one configured instance. Called once per configured instance, before any run starts.
     *
     * <p>Read every key through {@code config}'s typed getters: a key that was never read is reported to the user as
     * unused, so a misspelt key cannot be silently ignored. Do no network I/O here; validate only.
     *
     * @param config  the instance's configuration block
     * @param context the instance id, time, the redactor and the HTTP rules; keep it for the instance's life
     * @throws ConfigException when the configuration is wrong (missing key, bad value); the message names the key
     *                         and what to do, and the run exits with the configuration error code
     */
    T create(PluginConfig config, PluginContext context);
}
