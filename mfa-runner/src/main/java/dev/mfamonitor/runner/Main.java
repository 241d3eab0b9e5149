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
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, HistoryCommand.class, ReportCommand.class, PluginsCommand.class, ValidateCommand.class,
                StateCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3,
                Main.EXIT_4, Main.EXIT_5, Main.EXIT_70},
        footer = {"%nRun 'mfa-monitor help COMMAND' for the options of a command."})
public final class Main {
    // The exit codes, listed one a line by every command's help (picocli aligns "code:meaning" in two columns).
    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_0 = " 0:all good";
    static final String EXIT_1 = " 1:findings: an account lacks MFA (check --fail-on-missing-mfa only)";
    static final String EXIT_2 = " 2:usage or configuration error; nothing was touched";
    static final String EXIT_3 = " 3:a monitor failed or could not see everything, or deliveries are pending";
    static final String EXIT_4 = " 4:another run holds the state lock; nothing was done";
    static final String EXIT_5 = " 5:the state is unreadable; it was left as it was";
    static final String EXIT_70 = "70:internal error, or out of memory (raise -Xmx)";

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

    /** {@code --version}: the version and the commit it was built from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().versionLine()};
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = execute(args);
        } catch (OutOfMemoryError e) {
            code = outOfMemory(e);
        }
        System.exit(code);
    }

    /**
     * Out of memory: exit 70 (an internal error; 1 would read as "findings"), saying how to give Java more. Printed
     * without logging, which may itself need memory; the stack unwound to here has freed what the command held.
     */
    static int outOfMemory(OutOfMemoryError e) {
        System.err.println("mfa-monitor: out of memory (" + e.getMessage() + "); nothing more was done. Give Java a larger"
                + " heap with -Xmx, e.g. JAVA_OPTS=-Xmx1g for bin/mfa-monitor, or java -Xmx1g -jar mfa-monitor.jar");
        return ExitCode.INTERNAL.code();
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
