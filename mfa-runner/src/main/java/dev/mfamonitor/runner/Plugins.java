package dev.mfamonitor.runner;

import dev.mfamonitor.core.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Discovery as the CLI does it: once, with every load failure logged. */
final class Plugins {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);

    private Plugins() {
    }

    static PluginRegistry discover() {
        PluginRegistry registry = PluginRegistry.discover(Plugins.class.getClassLoader());
        registry.failures().forEach(failure -> log.warn("{}", failure.describe()));
        return registry;
    }
}
