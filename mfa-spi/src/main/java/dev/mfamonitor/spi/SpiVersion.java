package dev.mfamonitor.spi;

/**
 * The version of this SPI. It grows when the SPI gains something a plugin may rely on; a runner refuses a plugin
 * built against a newer SPI than its own, naming both versions, instead of failing later with a missing method.
 *
 * <p>Version 2: {@link PluginContext}, single-attempt {@link Notifier#send}, state as operations, open event types.
 * Version 1 plugins (before {@code mfa-spi}) cannot be loaded by a version 2 runner.
 */
public final class SpiVersion {
    /**
     * The SPI version of this build. A compile-time constant on purpose: a provider that returns it from
     * {@link PluginProvider#spiVersion()} records the version it was compiled against in its own class file.
     */
    public static final int CURRENT = 2;

    /** The oldest plugin SPI version this runner loads. */
    public static final int OLDEST_SUPPORTED = 2;

    private SpiVersion() {
    }
}
