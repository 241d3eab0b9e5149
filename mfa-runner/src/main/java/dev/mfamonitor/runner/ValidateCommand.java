package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.RunEngine;
import picocli.CommandLine.Command;

import java.util.Optional;

/** {@code validate}: the configuration parses, secrets resolve, every type exists and accepts its keys. Touches nothing else. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3,
                Main.EXIT_4, Main.EXIT_5, Main.EXIT_70}, description = "Check the configuration: keys, secrets, plugin types. Reads no state, sends nothing.")
final class ValidateCommand extends ConfiguredCommand {

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        Optional<RunEngine> created = createEngine(configuration, registry);
        if (created.isEmpty()) {
            return ExitCode.USAGE;
        }
        created.get().close();
        System.out.println("configuration OK: " + configuration.monitors().size() + " monitor(s), "
                + configuration.notifiers().size() + " notifier(s), state type " + configuration.state().type());
        return ExitCode.OK;
    }
}
