package dev.mfamonitor.runner;

import dev.mfamonitor.core.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Discovery as the CLI does it: built-in providers, then every jar of the plugin directory; failures logged. */
final class Plugins {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);

    /** {@code --plugins DIR}, set by the command line before a subcommand runs. */
    static volatile Path directoryOption;

    private Plugins() {
    }

    /**
     * @throws dev.mfamonitor.spi.ConfigException when a plugin directory named by option or environment is missing
     */
    static PluginRegistry discover() {
        ClassLoader application = Plugins.class.getClassLoader();
        List<ClassLoader> loaders = new ArrayList<>(List.of(application));
        Optional<Path> directory = PluginDirectory.locate(directoryOption, System::getenv);
        if (directory.isPresent()) {
            List<PluginDirectory.PluginJar> jars = PluginDirectory.open(directory.get(), application);
            log.debug("plugin directory {}: {} jar(s)", directory.get(), jars.size());
            for (PluginDirectory.PluginJar jar : jars) {
                PluginRegistry alone = PluginRegistry.discover(jar.loader());
                if (alone.providers().isEmpty() && alone.failures().isEmpty()) {
                    log.warn("plugin jar {} provides no monitor, notifier or state store (no META-INF/services entries); "
                            + "it is ignored", jar.jar());
                    continue;
                }
                loaders.add(jar.loader());
            }
        }
        PluginRegistry registry = PluginRegistry.discover(loaders);
        registry.failures().forEach(failure -> log.warn("{}", failure.describe()));
        return registry;
    }
}
