package dev.mfamonitor.spi.state;

import dev.mfamonitor.spi.PluginProvider;

/** Provides {@link StateStore}s of one {@link #type()}; register it in {@code META-INF/services/dev.mfamonitor.spi.state.StateStoreProvider}. */
public interface StateStoreProvider extends PluginProvider<StateStore> {
}
