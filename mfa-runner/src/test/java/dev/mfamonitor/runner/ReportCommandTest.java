package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code report --config FILE --output report.html}: what it writes, where, how, and what it refuses. */
class ReportCommandTest {
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";

    @TempDir
    Path dir;

    private Path config() throws IOException {
        Files.writeString(dir.resolve("a.csv"), "id,name,mfa\n1,alice,enabled\n2," + HOSTILE + ",disabled\n3,bot,not_applicable\n");
        return Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: hr-sheet, type: inventory, path: a.csv, service: hr }
                  - { id: broken, type: fixture, failWith: "answered 503" }
                notifiers:
                  - { id: console, type: console }
                policy:
                  exceptions:
                    - { monitor: hr-sheet, account: bot, reason: "machine user", expires: 2999-01-01 }
                """);
    }

    private Cli.Result report(Path config, Path output, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("report", "--config", config.toString(), "--output", output.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void afterARunTheReportShowsTheStateEscapedReadableByAllWhileTheStateStaysPrivate() throws Exception {
        Path config = config();
        assertThat(Cli.run("run", "--config", config.toString()).exitCode()).isEqualTo(3);
        Path output = dir.resolve("report.html");

        Cli.Result report = report(config, output);

        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.stdout()).isEmpty();
        assertThat(report.stderr()).contains("report written to " + output + ": 1 without MFA, 0 with weak MFA, 2 monitors");
        String html = Files.readString(output);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta http-equiv=\"Content-Security-Policy\"")
                .contains("<td>&lt;img src=x onerror=alert(1)&gt;</td><td>hr-sheet <span class=\"muted\">hr</span></td>")
                .contains("<span class=\"badge failing\">failing for 1 run</span> answered 503")
                .contains("<td>hr-sheet</td><td>bot</td><td>machine user</td><td>2999-01-01 ")
                .doesNotContain(HOSTILE);
        assertThat(Files.getPosixFilePermissions(output)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("state/mfa-state.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void theReportReplacesTheOldOneByRenameAndLeavesNoTemporaryFile() throws Exception {
        Path config = config();
        Path output = Files.writeString(dir.resolve("report.html"), "the old report");
        Object before = Files.readAttributes(output, BasicFileAttributes.class).fileKey();

        assertThat(report(config, output).exitCode()).isZero();

        // A new file took the old one's name (a reader never sees half a page); nothing else is left beside it.
        assertThat(Files.readAttributes(output, BasicFileAttributes.class).fileKey()).isNotEqualTo(before);
        assertThat(Files.readString(output)).contains("No run stored yet");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.csv", "mfa-monitor.yaml", "report.html");
        }
    }

    @Test
    void anOutputWhoseDirectoryIsMissingIsRefusedBeforeAnythingIsRead() throws Exception {
        Path output = dir.resolve("missing/report.html");

        Cli.Result report = report(config(), output);

        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(report.stderr()).contains("the directory of --output " + output + " does not exist; create it (mkdir -p "
                + dir.resolve("missing") + ") or choose another path");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void anOutputThatIsADirectoryIsRefused() throws Exception {
        Cli.Result report = report(config(), dir);

        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(report.stderr()).contains("--output " + dir + " is a directory; name the file to write, such as "
                + dir.resolve("report.html"));
    }

    @Test
    void aBadSinceIsRefusedWithTheDurationSyntax() throws Exception {
        Cli.Result report = report(config(), dir.resolve("report.html"), "--since", "a month");

        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(report.stderr()).contains("--since: 'a month' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");
        assertThat(dir.resolve("report.html")).doesNotExist();
    }

    @Test
    void anUnreadableStateExitsFiveAndLeavesThePreviousReport() throws Exception {
        Path config = config();
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/mfa-state.json"), "{\"schemaVersion\": 1, \"monitors\": ");
        Path output = Files.writeString(dir.resolve("report.html"), "the old report");

        Cli.Result report = report(config, output);

        assertThat(report.exitCode()).as(report.toString()).isEqualTo(5);
        assertThat(report.stderr()).contains(dir.resolve("state/mfa-state.json").toString());
        assertThat(Files.readString(output)).isEqualTo("the old report");
    }
}
