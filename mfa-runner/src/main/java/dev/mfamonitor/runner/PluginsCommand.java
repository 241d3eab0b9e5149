package dev.mfamonitor.runner;

import dev.mfamonitor.core.PluginRegistry;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code plugins}: every provider found, with the jar it came from. */
@Command(name = "plugins", description = "List every discovered plugin: kind, type, class, jar, version.")
final class PluginsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        PluginRegistry registry;
        try {
            registry = Plugins.discover();
        } catch (dev.mfamonitor.spi.ConfigException e) {
            org.slf4j.LoggerFactory.getLogger(PluginsCommand.class).error("configuration error: {}", e.getMessage());
            return dev.mfamonitor.core.ExitCode.USAGE.code();
        }
        String format = "%-9s %-12s %-60s %-10s %s%n";
        System.out.printf(format, "KIND", "TYPE", "CLASS", "VERSION", "JAR");
        for (PluginRegistry.Provider p : registry.providers()) {
            System.out.printf(format, p.kind().word(), p.type(), p.className(), p.version(), p.location());
        }
        for (PluginRegistry.LoadFailure failure : registry.failures()) {
            System.out.println("FAILED: " + failure.describe());
        }
        return 0;
    }
}
