package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.StateUnreadableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import java.io.IOException;
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

    /**
     * Logs why the state (or its history) could not be read and returns the exit code for it. Every message is cleaned:
     * a store's message can quote what it read (a corrupt file's token, a database's value), and that is untrusted.
     *
     * @param what what was being read, for the message: "the state", "the history"
     */
    protected ExitCode stateReadFailure(Exception e, String what) {
        if (e instanceof ConfigException configException) {
            configurationError(configException);
            return ExitCode.USAGE;
        } else if (e instanceof StateUnreadableException) {
            log.error("{}", PeopleText.clean(e.getMessage()));
            return ExitCode.STATE_UNREADABLE;
        } else if (e instanceof IOException) {
            log.error("cannot read {}: {}", what, PeopleText.clean(e.getMessage()));
            return ExitCode.INTERNAL;
        }
        log.error("reading {} failed: {}", what, PeopleText.clean(e.toString()));
        return ExitCode.INTERNAL;
    }

    protected int configurationError(ConfigException e) {
        log.error("configuration error: {}", e.getMessage());
        return ExitCode.USAGE.code();
    }
}
