package dev.mfamonitor.runner;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.mfamonitor.core.ExitCode;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code mfa-monitor} command. */
@Command(name = "mfa-monitor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Watches the MFA status of every account of the services you use and alerts when it changes.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, PluginsCommand.class, ValidateCommand.class},
        footer = {"", "Exit codes: 0 all good; 1 findings (check --fail-on-missing-mfa); 2 usage or configuration error;",
                "3 a monitor failed or deliveries are pending; 4 another run holds the lock; 5 state unreadable; 70 internal error."})
public final class Main {

    /** {@code -v} for debug logging, before or after the subcommand's name. */
    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT, description = "Log debug detail to standard error.")
    void verbose(boolean on) {
        if (on) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
        }
    }

    /** {@code --plugins DIR}, before or after the subcommand's name. */
    @Option(names = "--plugins", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Directory of plugin jars (default: $MFA_MONITOR_PLUGINS, else plugins/ beside the jar).")
    void plugins(java.nio.file.Path directory) {
        Plugins.directoryOption = directory;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mfa-monitor " + (version == null ? "(development build)" : version)};
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, without exiting; for tests. */
    static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // "--plugins plugins plugins": a directory may be named like a subcommand.
        cli.setAllowSubcommandsAsOptionParameters(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            LoggerFactory.getLogger(Main.class).error("internal error: {}", e.toString(), e);
            return ExitCode.INTERNAL.code();
        });
        return cli.execute(args);
    }
}
