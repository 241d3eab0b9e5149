package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.core.context.EnginePluginContext;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.runner.report.ReportBuilder;
import dev.mfamonitor.runner.report.ReportData;
import dev.mfamonitor.runner.report.ReportFile;
import dev.mfamonitor.runner.report.ReportPage;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.support.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code report --output FILE}: the state as one self-contained HTML page (coverage over time, accounts without MFA,
 * weak MFA, recent changes, exceptions, health). Reads only the state and its history, takes no lock (a run going on
 * is seen before or after its commit), scans nothing, sends nothing.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_5, Main.EXIT_70},
        description = {"Write what the state holds as one self-contained HTML page: MFA coverage over time, accounts"
                + " without MFA and with weak MFA, recent changes, exceptions and monitor health. It lists account names.",
                "Reads only the state; exits 0 once the page is written, whatever it shows."})
final class ReportCommand extends ConfiguredCommand {

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The HTML file to write (replaced atomically; mode 0644).")
    Path output;

    @Option(names = "--since", defaultValue = "30d", paramLabel = "DURATION",
            description = "How far back recent changes go, such as 30d or 12h (default: ${DEFAULT-VALUE}).")
    String since;

    private Duration changesWindow;

    @Override
    protected Optional<String> usageError() {
        try {
            changesWindow = Durations.parse(since);
        } catch (IllegalArgumentException e) {
            return Optional.of("--since: " + e.getMessage());
        }
        return ReportFile.problem(output);
    }

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        YamlPluginConfig stateConfig = configuration.state();
        ReportBuilder builder = new ReportBuilder(configuration.monitors().stream().map(YamlPluginConfig::id).toList(),
                configuration.notifiers().stream().map(YamlPluginConfig::id).toList(), configuration.policy(), changesWindow);
        ReportData report;
        try (StateStore store = registry.create(PluginRegistry.Kind.STATE, stateConfig,
                EnginePluginContext.system(stateConfig.id(), stateConfig.describe(), new SecretRedactor()), StateStore.class)) {
            StoredState state = store.load();
            Optional<ReportBuilder.HistoryReader> history = store.keepsHistory() ? Optional.of(store::history) : Optional.empty();
            report = builder.build(state, history, Instant.now(), new Main.Version().getVersion()[0], store.describe());
        } catch (StateUnreadableException | IOException | RuntimeException e) {
            return stateReadFailure(e, "the state");
        }
        try {
            ReportFile.write(output, ReportPage.html(report));
        } catch (IOException e) {
            log.error("cannot write the report to {}: {}", output, PeopleText.clean(String.valueOf(e.getMessage())));
            return ExitCode.INTERNAL;
        }
        log.info("report written to {}: {} without MFA, {} with weak MFA, {} monitors", output.toAbsolutePath(),
                report.withoutMfa().size(), report.weakMfa().size(), report.monitors().size());
        return ExitCode.OK;
    }
}
