package dev.mfamonitor.runner;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.spi.ConfigException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code plugins}: every provider found, with the jar it came from. Exits 2 (a configuration error) when a provider
 * failed to load or was refused, naming each, so that a script or a deployment check sees a broken plugin.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3,
                Main.EXIT_4, Main.EXIT_5, Main.EXIT_70}, description = {"List every discovered plugin: kind, type, class, jar, version.",
        "Exits 2 if a provider failed to load, naming each."})
final class PluginsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        PluginRegistry registry;
        try {
            registry = Plugins.discover();
        } catch (ConfigException e) {
            LoggerFactory.getLogger(PluginsCommand.class).error("configuration error: {}", e.getMessage());
            return ExitCode.USAGE.code();
        }
        // Columns as wide as their widest value, so that a long type or class never runs into the next column.
        String format = "%-" + width("KIND", registry, p -> p.kind().word()) + "s %-" + width("TYPE", registry, PluginRegistry.Provider::type)
                + "s %-" + width("CLASS", registry, PluginRegistry.Provider::className) + "s %-"
                + width("VERSION", registry, PluginRegistry.Provider::version) + "s %s%n";
        System.out.printf(format, "KIND", "TYPE", "CLASS", "VERSION", "JAR");
        for (PluginRegistry.Provider p : registry.providers()) {
            System.out.printf(format, p.kind().word(), p.type(), p.className(), p.version(), p.location());
        }
        for (PluginRegistry.LoadFailure failure : registry.failures()) {
            System.out.println("FAILED: " + failure.describe());
        }
        if (!registry.failures().isEmpty()) {
            LoggerFactory.getLogger(PluginsCommand.class).error("{} provider(s) failed to load: {}", registry.failures().size(),
                    String.join(", ", registry.failures().stream().map(f -> f.className() + " (" + f.location() + ")").toList()));
            return ExitCode.USAGE.code();
        }
        return ExitCode.OK.code();
    }

    private static int width(String header, PluginRegistry registry, Function<PluginRegistry.Provider, String> column) {
        return Math.max(header.length(), registry.providers().stream().mapToInt(p -> column.apply(p).length()).max().orElse(0));
    }
}
