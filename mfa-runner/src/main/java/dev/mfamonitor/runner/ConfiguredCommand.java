package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.ScanProgress;
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

    private volatile ProgressDisplay progress;

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
            return Optional.of(configuration.createEngine(registry, builder -> builder.clock(RunnerEnvironment.clock)
                    .nanoTime(RunnerEnvironment.nanoTime).progress(this::progressOf)));
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

    /** How the scans of this command show progress; commands that scan offer {@code --progress}. */
    protected ProgressDisplay.Mode progressMode() {
        return ProgressDisplay.Mode.off;
    }

    /** Starts showing the progress of one scan of the engine's monitors; {@link #finishProgress} ends it. */
    protected void startProgress(RunEngine engine) {
        ProgressDisplay.Mode mode = ProgressDisplay.resolve(progressMode(), RunnerEnvironment.terminal.getAsBoolean());
        progress = new ProgressDisplay(mode, engine.monitorIds(), System.err, line -> log.info("{}", line),
                RunnerEnvironment.nanoTime);
    }

    protected void finishProgress() {
        ProgressDisplay display = progress;
        if (display != null) {
            display.finish();
        }
        progress = null;
    }

    private ScanProgress progressOf(String monitorId) {
        // The display of the scan under way when the monitor reports, not when the engine was built.
        return (count, unit) -> {
            ProgressDisplay current = progress;
            if (current != null) {
                current.forMonitor(monitorId).read(count, unit);
            }
        };
    }

    protected int configurationError(ConfigException e) {
        log.error("configuration error: {}", e.getMessage());
        return ExitCode.USAGE.code();
    }
}
