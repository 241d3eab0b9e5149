package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Help for every command (issue 12 item 25) and options refused before anything is read (item 26). */
class CommandLineTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"run", "check", "status", "history", "report", "validate", "plugins"})
    void everyCommandHasHelpWithoutItsRequiredOptions(String command) {
        Cli.Result help = Cli.run(command, "--help");

        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).startsWith("Usage: mfa-monitor " + command).contains("Exit codes:");
        assertThat(help.stderr()).isEmpty();
        assertThat(Cli.run("help", command).stdout()).isEqualTo(help.stdout());
    }

    @Test
    void helpWithoutACommandIsTheTopLevelHelp() {
        Cli.Result help = Cli.run("help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).isEqualTo(Cli.run("--help").stdout()).startsWith("Usage: mfa-monitor");
    }

    @Test
    void theExitCodesAreListedOneALineAlignedWithinEightyColumns() {
        String help = Cli.run("--help").stdout();

        List<String> lines = help.lines().toList();
        int heading = lines.indexOf("Exit codes:");
        assertThat(heading).as(help).isPositive();
        assertThat(lines.subList(heading + 1, heading + 8)).containsExactly(
                "   0   all good",
                "   1   findings: an account lacks MFA (check --fail-on-missing-mfa only)",
                "   2   usage or configuration error; nothing was touched",
                "   3   a monitor failed or could not see everything, or deliveries are pending",
                "   4   another run holds the state lock; nothing was done",
                "   5   the state is unreadable; it was left as it was",
                "  70   internal error, or out of memory (raise -Xmx)");
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "30s", "59s", "PT59.9S", "500ms"})
    void anIntervalUnderAMinuteIsRefusedNamingTheMinimum(String interval) {
        // Refused before the configuration is read: the file does not even exist.
        Cli.Result run = Cli.run("run", "--config", dir.resolve("none.yaml").toString(), "--interval", interval);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr()).contains("--interval: '" + interval + "' is shorter than the minimum of 1m; runs that "
                + "often would only spend the services' API budgets. Use 1m or more (15m is typical)");
        assertThat(run.stderr()).doesNotContain("does not exist");
    }

    @Test
    void anIntervalThatIsNotADurationSaysHowToWriteOne() {
        Cli.Result run = Cli.run("run", "--config", dir.resolve("none.yaml").toString(), "--interval", "often");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--interval: 'often' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");
    }
}
