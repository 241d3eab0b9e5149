package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.spi.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** A subcommand that reads {@code --config}: loads and checks the whole configuration before touching anything. */
abstract class ConfiguredCommand implements Callable<Integer> {
    protected final Logger log = LoggerFactory.getLogger(getClass());

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Override
    public final Integer call() {
        Optional<String> usage = usageError();
        if (usage.isPresent()) {
            log.error("{}", usage.get());
            return ExitCode.USAGE.code();
        }
        Configuration configuration;
        PluginRegistry registry;
        try {
            configuration = ConfigFile.load(config, System::getenv);
            registry = Plugins.discover();
        } catch (ConfigException e) {
            return configurationError(e);
        }
        return call(configuration, registry).code();
    }

    /** A wrong combination of options, found before the configuration is read; empty when the options are fine. */
    protected Optional<String> usageError() {
        return Optional.empty();
    }

    /** Runs the command on a checked configuration. */
    protected abstract ExitCode call(Configuration configuration, PluginRegistry registry);

    /** Creates every plugin, or logs the configuration error and returns empty; the caller closes the engine. */
    protected Optional<RunEngine> createEngine(Configuration configuration, PluginRegistry registry) {
        try {
            return Optional.of(configuration.createEngine(registry));
        } catch (ConfigException e) {
            configurationError(e);
            return Optional.empty();
        }
    }

    protected int configurationError(ConfigException e) {
        log.error("configuration error: {}", e.getMessage());
        return ExitCode.USAGE.code();
    }
}
