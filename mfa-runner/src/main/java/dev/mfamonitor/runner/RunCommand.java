package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.core.console.TextMessage;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.support.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** {@code run}: one run, or one every {@code --interval} until SIGTERM/SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3,
                Main.EXIT_4, Main.EXIT_5, Main.EXIT_70}, description = "Scan every monitor, alert on changes, remember what was seen.")
final class RunCommand extends ConfiguredCommand {

    @Option(names = "--dry-run", description = "Compute and print what would be sent; write nothing, send nothing.")
    boolean dryRun;

    @Option(names = "--interval", paramLabel = "DURATION",
            description = "Run again every DURATION (30s, 15m, 1h) until stopped; the current run finishes cleanly on SIGTERM.")
    String interval;

    @Option(names = "--accept-changes",
            description = "Let good news through that the guard would withhold (after you confirmed the accounts really changed).")
    boolean acceptChanges;

    @Option(names = "--metrics-file", paramLabel = "PATH",
            description = "After every run, write Prometheus metrics to PATH atomically (node_exporter's textfile collector: "
                    + "name it *.prom in the collector's directory). Mode 0644.")
    Path metricsFile;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "With --interval: serve the same metrics at http://ADDRESS:PORT/metrics (0: any free port, logged).")
    Integer metricsPort;

    @Option(names = "--metrics-address", paramLabel = "ADDRESS",
            description = "The address --metrics-port listens on (default: 127.0.0.1, this machine only; 0.0.0.0 for every "
                    + "interface).")
    String metricsAddress;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Scan progress on standard error: live (a line per monitor, redrawn), log (a line every 30 s), off, "
                    + "or auto: live on a terminal, else log (default: ${DEFAULT-VALUE}).")
    ProgressDisplay.Mode progress;

    /** What the runs measured, for --metrics-file and --metrics-port; null when neither is asked for. */
    private MetricsRecorder metrics;

    /** Shorter intervals would spend the services' API budgets (GitHub's 5,000 requests an hour) for nothing. */
    static final Duration MINIMUM_INTERVAL = Duration.ofMinutes(1);

    @Override
    protected ProgressDisplay.Mode progressMode() {
        return progress;
    }

    @Override
    protected Optional<String> usageError() {
        Optional<String> metrics = metricsUsageError();
        if (metrics.isPresent()) {
            return metrics;
        }
        if (interval == null) {
            return Optional.empty();
        }
        Duration every;
        try {
            every = Durations.parse(interval);
        } catch (IllegalArgumentException e) {
            return Optional.of("--interval: " + e.getMessage());
        }
        if (every.compareTo(MINIMUM_INTERVAL) < 0) {
            return Optional.of("--interval: '" + interval + "' is shorter than the minimum of " + Durations.format(MINIMUM_INTERVAL)
                    + "; runs that often would only spend the services' API budgets. Use 1m or more (15m is typical)");
        }
        if (dryRun) {
            return Optional.of("--dry-run and --interval do not go together: a dry run is one look");
        }
        return Optional.empty();
    }

    private Optional<String> metricsUsageError() {
        if (metricsFile != null) {
            Path directory = metricsFile.toAbsolutePath().getParent();
            if (directory == null || !Files.isDirectory(directory)) {
                return Optional.of("--metrics-file: the directory " + directory + " does not exist; create it or point "
                        + "--metrics-file at the textfile collector's directory");
            }
            if (Files.isDirectory(metricsFile)) {
                return Optional.of("--metrics-file: " + metricsFile + " is a directory; name a file in it, such as "
                        + metricsFile.resolve("mfa-monitor.prom"));
            }
            if (dryRun) {
                return Optional.of("--dry-run and --metrics-file do not go together: a dry run writes nothing");
            }
        }
        if (metricsAddress != null && metricsPort == null) {
            return Optional.of("--metrics-address needs --metrics-port");
        }
        if (metricsPort != null) {
            if (interval == null) {
                return Optional.of("--metrics-port needs --interval: a single run ends before Prometheus could scrape it; "
                        + "use --metrics-file with node_exporter's textfile collector instead");
            }
            if (metricsPort < 0 || metricsPort > 65535) {
                return Optional.of("--metrics-port: " + metricsPort + " is not a port; use 1 to 65535 (0: any free port)");
            }
        }
        return Optional.empty();
    }

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        Duration every = interval == null ? null : Durations.parse(interval);
        Optional<RunEngine> created = createEngine(configuration, registry);
        if (created.isEmpty()) {
            return ExitCode.USAGE;
        }
        boolean measured = metricsFile != null || metricsPort != null;
        metrics = measured ? MetricsRecorder.create(Optional.ofNullable(metricsFile)) : null;
        try (RunEngine engine = created.get(); MetricsServer server = metricsPort == null ? null : startServer()) {
            RunEngine.RunOptions options = new RunEngine.RunOptions(dryRun, acceptChanges);
            if (every == null) {
                return once(engine, options);
            }
            return repeat(engine, options, every);
        } catch (MetricsServer.CannotListen e) {
            log.error("{}", e.getMessage());
            return ExitCode.USAGE;
        }
    }

    private MetricsServer startServer() throws MetricsServer.CannotListen {
        return MetricsServer.start(metricsAddress == null ? "127.0.0.1" : metricsAddress, metricsPort, metrics);
    }

    private ExitCode once(RunEngine engine, RunEngine.RunOptions options) {
        long began = RunnerEnvironment.nanoTime.getAsLong();
        RunReport report;
        startProgress(engine);
        try {
            report = engine.run(options);
        } finally {
            finishProgress();
        }
        Duration took = Duration.ofNanos(RunnerEnvironment.nanoTime.getAsLong() - began);
        // A locked run did nothing; the run that holds the lock writes the metrics.
        if (metrics != null && report.exitCode() != ExitCode.LOCKED) {
            metrics.record(RunMetrics.of(report, engine.monitorIds(), engine.notifierIds(), engine.policy(),
                    RunnerEnvironment.clock.instant(), took, metrics.lastSuccess(), metrics.events()));
        }
        if (!report.message().isEmpty()) {
            log.error("{}", report.message());
        }
        if (options.dryRun()) {
            printDryRun(engine, report);
        }
        report.monitorFailures().forEach((id, why) -> log.warn("monitor '{}' failed: {}", id, why));
        log.info("run finished: {} new event(s), delivered {}, pending {}; exit {}", report.newEvents().size(),
                report.delivered(), report.pending(), report.exitCode().code());
        return report.exitCode();
    }

    /** What each notifier would receive, in configuration order (the report's map has none). */
    private static void printDryRun(RunEngine engine, RunReport report) {
        boolean any = false;
        for (String notifier : engine.notifierIds()) {
            List<ChangeEvent> events = report.planned().getOrDefault(notifier, List.of());
            if (events.isEmpty()) {
                continue;
            }
            any = true;
            System.out.println("dry run: notifier '" + notifier + "' would receive:");
            System.out.println(TextMessage.render(events));
        }
        if (!any) {
            System.out.println("dry run: nothing would be sent");
        }
    }

    /** Runs until SIGTERM/SIGINT; a signal during a run lets that run finish and commit before the process exits. */
    private ExitCode repeat(RunEngine engine, RunEngine.RunOptions options, Duration every) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<ExitCode> last = new AtomicReference<>(ExitCode.OK);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // System.exit would block inside a shutdown hook; halt keeps the exit code of the last run.
            Runtime.getRuntime().halt(last.get().code());
        }, "mfa-monitor-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (stop.getCount() > 0) {
                last.set(once(engine, options));
                if (last.get() == ExitCode.STATE_UNREADABLE || last.get() == ExitCode.INTERNAL) {
                    break; // a person must look; repeating would only repeat the error
                }
                if (stop.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.info("stopped by signal after the current run");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // First let a hook that is already waiting go on, then try to remove it (too late once shutdown began).
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs and halts with the last run's exit code.
            }
        }
        return last.get();
    }
}
