package dev.mfamonitor.spi;

/**
 * A factory for one kind of plugin, found by {@link java.util.ServiceLoader}.
 *
 * <p>Implementations have a public no-argument constructor that does nothing: every provider on the class path is
 * instantiated at start-up to learn its {@link #type()}, but only those the configuration names are asked to
 * {@link #create} anything.
 *
 * @param <T> what the provider creates
 */
public interface PluginProvider<T extends AutoCloseable> {

    /** The name used as {@code type:} in configuration, such as {@code github}; lower case, unique among providers of this kind. */
    String type();

    /**
     * Creates one configured instance. Called once per configured instance, before any run starts.
     *
     * <p>Read every key through {@code config}'s typed getters: a key that was never read is reported to the user as
     * unused, so a misspelt key cannot be silently ignored. Do no network I/O here; validate only.
     *
     * @throws ConfigException when the configuration is wrong (missing key, bad value); the message names the key
     *                         and what to do, and the run exits with the configuration error code
     */
    T create(PluginConfig config);

    /**
     * The SPI version the provider was built against. Override it as {@code return SpiVersion.CURRENT;}: the constant
     * is compiled into the provider's class, so a runner with an older SPI can refuse the plugin with a clear message.
     * The default, 1, is the first SPI version.
     */
    default int spiVersion() {
        return 1;
    }
}
