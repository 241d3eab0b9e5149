package dev.mfamonitor.runner;

import dev.mfamonitor.core.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Discovery as the CLI does it: one list of plugin sources, the application's class path (the built-in providers)
 * first, then every plugin of the plugin directory; failures logged.
 */
final class Plugins {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);

    /** {@code --plugins DIR}, set by the command line before a subcommand runs. */
    static volatile Path directoryOption;

    private Plugins() {
    }

    /**
     * @throws dev.mfamonitor.spi.ConfigException when a plugin directory named by option or environment is missing, or
     *                                            the directory or a plugin in it could be changed by another user
     */
    static PluginRegistry discover() {
        ClassLoader application = Plugins.class.getClassLoader();
        List<PluginRegistry.Source> sources = new ArrayList<>();
        sources.add(new PluginRegistry.Source(PluginRegistry.Source.BUILT_IN, applicationLocation(), application));
        Optional<Path> directory = PluginDirectory.locate(directoryOption, System::getenv);
        if (directory.isPresent()) {
            List<PluginRegistry.Source> plugins = PluginDirectory.open(directory.get(), application);
            log.debug("plugin directory {}: {} plugin(s)", directory.get(), plugins.size());
            sources.addAll(plugins);
        }
        PluginRegistry registry = PluginRegistry.discover(sources);
        for (PluginRegistry.Source empty : registry.sourcesWithoutProviders()) {
            log.warn("plugin {} provides no monitor, notifier or state store (no META-INF/services entries); it is ignored",
                    empty.location());
        }
        registry.failures().forEach(failure -> log.warn("{}", failure.describe()));
        return registry;
    }

    private static String applicationLocation() {
        var source = Plugins.class.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "(class path)" : source.getLocation().getPath();
    }
}
