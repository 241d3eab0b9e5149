package dev.mfamonitor.spi;

/** Provides {@link Monitor}s of one {@link #type()}; register it in {@code META-INF/services/dev.mfamonitor.spi.MonitorProvider}. */
public interface MonitorProvider extends PluginProvider<Monitor> {
}
