package dev.mfamonitor.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.runner.report.Chromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: four real runs of two monitors (the first with an account named like the attack and one whose
 * name would retitle the page), then {@code report}, then the page in headless Chromium: one chart point per run and
 * monitor, the changes of those runs with their deliveries, zero errors under the page's policy, no canary run. The
 * full-page screenshot of this report is the build's {@code target/report-screenshot.png}.
 */
class ReportOfRealRunsBrowserTest {
    private static final String ATTACK = "<img src=x onerror=alert(1)>";
    private static final String RETITLE = "<img src=x onerror=\"\"document.title='pwned'\"\">";

    @TempDir
    Path dir;

    private void accounts(String alice, String bob) throws Exception {
        Files.writeString(dir.resolve("hr.csv"), "id,name,mfa\n1,alice," + alice + "\n2,bob," + bob + "\n3," + ATTACK
                + ",disabled\n4,\"" + RETITLE + "\",disabled\n");
        Files.writeString(dir.resolve("contractors.csv"), "id,name,mfa\n11,carol,enabled\n12,dave,disabled\n");
    }

    @Test
    void fourRunsGiveFourPointsPerMonitorAndThePageLoadsCleanly() throws Exception {
        Path config = Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: hr-sheet, type: inventory, path: hr.csv, service: hr }
                  - { id: contractors, type: inventory, path: contractors.csv }
                notifiers:
                  - { id: console, type: console }
                """);
        String[][] runs = {{"enabled", "disabled"}, {"disabled", "disabled"}, {"enabled", "disabled"}, {"enabled", "enabled"}};
        for (String[] run : runs) {
            accounts(run[0], run[1]);
            Cli.Result result = Cli.run("run", "--config", config.toString());
            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
        Path output = dir.resolve("report.html");
        Cli.Result report = Cli.run("report", "--config", config.toString(), "--output", output.toString());
        assertThat(report.exitCode()).as(report.toString()).isZero();

        try (Chromium chromium = Chromium.start(Path.of("target", "report-browser"));
             Chromium.Page page = chromium.open(output.toUri())) {
            assertThat(page.errors()).as(chromium.log()).isEmpty();
            JsonNode points = page.evaluate("[...document.querySelectorAll('#coverage-chart g.series')]"
                    + ".map(g => g.dataset.monitor + '=' + g.querySelectorAll('circle.point').length)");
            List<String> perMonitor = new ArrayList<>();
            points.forEach(p -> perMonitor.add(p.asText()));
            assertThat(perMonitor).containsExactly("hr-sheet=" + runs.length, "contractors=" + runs.length);

            // hr-sheet: alice disabled in run 2, enabled in run 3, bob enabled in run 4 (newest first).
            JsonNode changes = page.evaluate("[...document.querySelectorAll('#changes-table tbody tr')]"
                    + ".filter(tr => tr.cells[1].textContent === 'hr-sheet' && tr.cells[3].textContent !== '')"
                    + ".map(tr => tr.cells[3].textContent + ': ' + tr.cells[4].textContent + ' ' + tr.cells[6].textContent)");
            List<String> shown = new ArrayList<>();
            changes.forEach(c -> shown.add(c.asText()));
            assertThat(shown).containsExactly("bob: disabled → enabled console delivered" + deliveredAt(page, 0),
                    "alice: disabled → enabled console delivered" + deliveredAt(page, 1),
                    "alice: enabled → disabled console delivered" + deliveredAt(page, 2));

            assertThat(page.evaluate("document.title").asText()).isEqualTo("MFA report");
            assertThat(page.dialogs()).isZero();
            assertThat(page.evaluate("document.querySelectorAll('script, img, [onerror]').length").asInt()).isZero();
            assertThat(page.evaluate("[...document.querySelectorAll('#without-mfa-table tbody tr td:first-child')]"
                    + ".map(td => td.textContent).join('|')").asText()).contains(ATTACK);
            Files.write(Path.of("target", "report-screenshot.png"), page.screenshot());
        }
    }

    /** The delivery time shown in the {@code index}-th hr-sheet change row, as the page prints it. */
    private static String deliveredAt(Chromium.Page page, int index) throws Exception {
        return page.evaluate("' ' + [...document.querySelectorAll('#changes-table tbody tr')]"
                + ".filter(tr => tr.cells[1].textContent === 'hr-sheet' && tr.cells[3].textContent !== '')"
                + "[" + index + "].querySelector('.deliveries .muted').textContent").asText();
    }
}
