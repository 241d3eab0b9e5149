package dev.mfamonitor.spi;

/** Provides {@link StateStore}s of one {@link #type()}; register it in {@code META-INF/services/dev.mfamonitor.spi.StateStoreProvider}. */
public interface StateStoreProvider extends PluginProvider<StateStore> {
}
