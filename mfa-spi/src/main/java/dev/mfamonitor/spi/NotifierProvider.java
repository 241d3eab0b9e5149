package dev.mfamonitor.spi;

/** Provides {@link Notifier}s of one {@link #type()}; register it in {@code META-INF/services/dev.mfamonitor.spi.NotifierProvider}. */
public interface NotifierProvider extends PluginProvider<Notifier> {
}
