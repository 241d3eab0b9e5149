package dev.mfamonitor.spi;

import java.util.List;

/** Provides {@link Monitor}s of one {@link #type()}; register it in {@code META-INF/services/dev.mfamonitor.spi.MonitorProvider}. */
public interface MonitorProvider extends PluginProvider<Monitor> {

    /**
     * The event types of this plugin's own, declared with {@link EventType#declare}, that its monitors may raise
     * through {@link Snapshot#notices()}. The engine refuses a notice of an undeclared type. The default: none.
     */
    default List<EventType> eventTypes() {
        return List.of();
    }
}
