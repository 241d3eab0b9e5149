package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code status} and {@code run --dry-run} for people, in configuration order (issue 12 item 28). */
class StatusCommandTest {
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(\\d+ s ago\\)");

    @TempDir
    Path dir;

    /** Ids that sort differently from their order, so that any map order shows. */
    private Path config() throws IOException {
        Files.writeString(dir.resolve("a.csv"), "id,name,mfa\n1,alice,enabled\n2,bob,disabled\n3,bot,not_applicable\n");
        return Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: zulu, type: inventory, path: a.csv, service: zeta-portal }
                  - { id: alpha, type: inventory, path: a.csv }
                  - { id: mike, type: inventory, path: a.csv }
                  - { id: kilo, type: fixture, failWith: "answered 503" }
                notifiers:
                  - { id: yankee, type: console }
                  - { id: bravo, type: console }
                  - { id: chat, type: canary, token: "${env:PATH}", fail: true }
                """);
    }

    @Test
    void beforeAnyRunStatusSaysFirstRunAndListsEveryMonitorInOrder() throws Exception {
        Cli.Result status = Cli.run("status", "--config", config().toString());

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).isEqualTo("""
                state: file STATE
                first run: no state at file STATE; the next run records a baseline
                monitor 'zulu': no run yet
                monitor 'alpha': no run yet
                monitor 'mike': no run yet
                monitor 'kilo': no run yet
                notifier 'yankee': nothing pending
                notifier 'bravo': nothing pending
                notifier 'chat': nothing pending
                """.replace("STATE", dir.resolve("state/mfa-state.json").toString()));
    }

    @Test
    void afterARunStatusIsInConfigurationOrderWithTimesAndWordsForPeople() throws Exception {
        Path config = config();
        Cli.Result run = Cli.run("run", "--config", config.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);

        Cli.Result status = Cli.run("status", "--config", config.toString());

        assertThat(status.exitCode()).as(status.toString()).isEqualTo(3);
        String shown = TIME.matcher(status.stdout()).replaceAll("TIME");
        assertThat(shown).isEqualTo("""
                state: file STATE
                monitor 'zulu': zeta-portal, last good snapshot TIME: 3 accounts: 1 with MFA, 1 without MFA, 1 not applicable, 0 unknown
                monitor 'alpha': inventory, last good snapshot TIME: 3 accounts: 1 with MFA, 1 without MFA, 1 not applicable, 0 unknown
                monitor 'mike': inventory, last good snapshot TIME: 3 accounts: 1 with MFA, 1 without MFA, 1 not applicable, 0 unknown
                monitor 'kilo': no good snapshot yet; failing for 1 run: FAILURE
                notifier 'yankee': nothing pending
                notifier 'bravo': nothing pending
                notifier 'chat': EVENTS pending, the oldest since TIME; last error: ERROR
                """.replace("STATE", dir.resolve("state/mfa-state.json").toString())
                .replace("FAILURE", failureOf(status.stdout()))
                .replace("EVENTS", eventsOf(status.stdout()))
                .replace("ERROR", errorOf(status.stdout())));
        assertThat(status.stdout()).doesNotContain("not_applicable").doesNotContain("PENDING").doesNotContain("Z:")
                .doesNotMatch("(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d+.*");
        assertThat(failureOf(status.stdout())).contains("answered 503");
    }

    @Test
    void aDryRunListsNotifiersInConfigurationOrder() throws Exception {
        Path config = Files.writeString(dir.resolve("dry.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: quickstart, type: inventory, path: a.csv }
                notifiers:
                  - { id: yankee, type: console }
                  - { id: bravo, type: console }
                  - { id: mike, type: console }
                """);
        Files.writeString(dir.resolve("a.csv"), "id,name,mfa\n1,alice,enabled\n");

        for (int i = 0; i < 3; i++) {
            Cli.Result dry = Cli.run("run", "--dry-run", "--config", config.toString());
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            List<String> headings = dry.stdout().lines().filter(l -> l.startsWith("dry run: ")).toList();
            assertThat(headings).containsExactly("dry run: notifier 'yankee' would receive:",
                    "dry run: notifier 'bravo' would receive:", "dry run: notifier 'mike' would receive:");
        }
        assertThat(dir.resolve("state")).doesNotExist();
    }

    private static String line(String stdout, String start) {
        return stdout.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
    }

    private static String failureOf(String stdout) {
        String line = line(stdout, "monitor 'kilo'");
        return line.substring(line.indexOf("failing for 1 run: ") + "failing for 1 run: ".length());
    }

    private static String eventsOf(String stdout) {
        String line = line(stdout, "notifier 'chat'");
        return line.substring("notifier 'chat': ".length(), line.indexOf(" pending"));
    }

    private static String errorOf(String stdout) {
        String line = line(stdout, "notifier 'chat'");
        return line.substring(line.indexOf("; last error: ") + "; last error: ".length());
    }
}
