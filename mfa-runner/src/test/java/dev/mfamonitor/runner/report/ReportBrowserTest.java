package dev.mfamonitor.runner.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report in a real browser (headless Chromium, see {@link Chromium}): it loads under its own strict
 * Content-Security-Policy without one error or refused resource, its style sheet applies, the chart Chromium built has
 * one point per stored run, and no hostile name runs, with the policy or without it. The full-page screenshot of this
 * hostile report is kept as {@code target/report-hostile-screenshot.png} ({@code ReportOfRealRunsBrowserTest} keeps
 * that of a real one).
 */
class ReportBrowserTest {
    private static final Path WORK = Path.of("target", "report-browser");
    private static Chromium chromium;

    @BeforeAll
    static void startChromium() throws Exception {
        chromium = Chromium.start(WORK);
    }

    @AfterAll
    static void stopChromium() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static Path write(String name, String html) throws Exception {
        Files.createDirectories(WORK);
        return Files.writeString(WORK.resolve(name), html);
    }

    @Test
    void theReportLoadsUnderItsPolicyWithoutErrorsAndTheChartHasOnePointPerRun() throws Exception {
        Path file = write("report.html", ReportPage.html(HostileReport.report()));

        try (Chromium.Page page = chromium.open(file.toUri())) {
            assertThat(page.errors()).as(chromium.log()).isEmpty();
            // The policy is the page's: Chromium enforces it (a refused style would have been counted above).
            assertThat(page.evaluate("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content").asText())
                    .isEqualTo(ReportPage.CONTENT_SECURITY_POLICY);
            // The style sheet applied: it is allowed by its hash.
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor").asText()).isEqualTo("rgb(246, 248, 250)");
            assertThat(page.evaluate("getComputedStyle(document.querySelector('#coverage-chart .line')).fill").asText()).isEqualTo("none");

            JsonNode points = page.evaluate("[...document.querySelectorAll('#coverage-chart g.series')]"
                    + ".map(g => [g.dataset.monitor, g.querySelectorAll('circle.point').length])");
            List<String> perMonitor = new ArrayList<>();
            points.forEach(p -> perMonitor.add(p.get(0).asText() + "=" + p.get(1).asInt()));
            assertThat(perMonitor).containsExactly("github-acme=" + HostileReport.RUNS,
                    HostileReport.ATTRIBUTE + "=" + (HostileReport.RUNS - 2), HostileReport.SVG_TITLE + "=1");

            assertNoCanaryRan(page);
            Files.write(Path.of("target", "report-hostile-screenshot.png"), page.screenshot());
        }
        byte[] png = Files.readAllBytes(Path.of("target", "report-hostile-screenshot.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void escapingAloneStopsEveryCanaryEvenWithoutThePolicy() throws Exception {
        String html = ReportPage.html(HostileReport.report());
        String withoutPolicy = html.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>\n", "");
        assertThat(withoutPolicy).doesNotContain("Content-Security-Policy");
        Path file = write("report-without-policy.html", withoutPolicy);

        try (Chromium.Page page = chromium.open(file.toUri())) {
            assertThat(page.errors()).as(chromium.log()).isEmpty();
            assertNoCanaryRan(page);
        }
    }

    /** The canaries of {@link HostileReport} would set the title and a global, or add elements; none did. */
    private static void assertNoCanaryRan(Chromium.Page page) throws Exception {
        assertThat(page.evaluate("document.title").asText()).isEqualTo("MFA report");
        assertThat(page.evaluate("typeof window.__pwned").asText()).isEqualTo("undefined");
        assertThat(page.dialogs()).isZero();
        assertThat(page.evaluate("document.querySelectorAll('script, img, iframe, object, embed, [onerror], [onload]').length").asInt())
                .isZero();
        assertThat(page.evaluate("document.querySelectorAll('svg').length").asInt()).isEqualTo(1);
        // The names are shown as the text they are.
        assertThat(page.evaluate("document.querySelector('#without-mfa-table tbody tr td').textContent").asText())
                .isEqualTo(HostileReport.ALERT_NAME + " admin");
        assertThat(page.evaluate("document.querySelectorAll('ul.legend li')[2].textContent").asText())
                .isEqualTo(HostileReport.SVG_TITLE + ": 60% now (12 of 20), 1 run");
        assertThat(page.evaluate("document.querySelector('#coverage-chart g.series.c1').dataset.monitor").asText())
                .isEqualTo(HostileReport.ATTRIBUTE);
    }

    @Test
    void theBrowserCountsWhatThePolicyRefusesSoAZeroMeansSomething() throws Exception {
        // The same page with a script and an altered style sheet slipped in after the escaping: both are refused.
        String html = ReportPage.html(HostileReport.report())
                .replace("</main>", "<script>document.title='" + HostileReport.PWNED + "'</script></main>")
                .replace("<style>:root{", "<style>:root{outline:0;");
        Path file = write("report-tampered.html", html);

        try (Chromium.Page page = chromium.open(file.toUri())) {
            assertThat(page.errors()).anyMatch(e -> e.startsWith("policy violation: script-src"))
                    .anyMatch(e -> e.startsWith("policy violation: style-src"));
            assertThat(page.evaluate("document.title").asText()).isEqualTo("MFA report");
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor").asText()).isEqualTo("rgba(0, 0, 0, 0)");
        }
    }
}
