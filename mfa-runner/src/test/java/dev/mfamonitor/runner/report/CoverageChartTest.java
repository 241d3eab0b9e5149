package dev.mfamonitor.runner.report;

import dev.mfamonitor.runner.report.ReportData.CoveragePoint;
import dev.mfamonitor.runner.report.ReportData.CoverageSeries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The coverage chart's SVG as text (the browser test counts the same in the DOM Chromium builds). */
class CoverageChartTest {

    private static int count(String text, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    @Test
    void oneLinePerMonitorAndOneCirclePerRun() {
        String svg = CoverageChart.svg(HostileReport.report().coverage());

        assertThat(count(svg, "<g class=\"series ")).isEqualTo(3);
        assertThat(count(svg, "<circle class=\"point\"")).isEqualTo(HostileReport.RUNS + HostileReport.RUNS - 2 + 1);
        // A monitor with one run has a point and no line.
        assertThat(count(svg, "<polyline ")).isEqualTo(2);
    }

    @Test
    void pointsSitAtTheirCoverageAndTime() {
        List<CoverageSeries> series = List.of(new CoverageSeries("m", List.of(
                new CoveragePoint(Instant.parse("2026-11-01T00:00:00Z"), 0, 4),
                new CoveragePoint(Instant.parse("2026-11-03T00:00:00Z"), 4, 4),
                new CoveragePoint(Instant.parse("2026-11-02T00:00:00Z"), 1, 2))));

        String svg = CoverageChart.svg(series);

        // x from 52 to 810 over the two days, y from 280 (0%) to 14 (100%); sorted by time.
        assertThat(svg).contains("<polyline class=\"line\" points=\"52.0,280.0 431.0,147.0 810.0,14.0\"/>");
        assertThat(svg).contains("<title>m, 2026-11-02 00:00 UTC: 50% (1 of 2 with MFA)</title>");
    }

    @Test
    void namesAreEscapedInAttributesSvgTextAndTitles() {
        String svg = CoverageChart.svg(HostileReport.report().coverage());

        assertThat(svg).contains("data-monitor=\"&quot;&gt;&lt;svg onload=&quot;document.title=&#39;pwned&#39;");
        assertThat(svg).contains("<title>&#39;&gt;&lt;/title&gt;&lt;script&gt;");
        // The label beside a line is cut to 20 characters.
        assertThat(svg).contains(">&#39;&gt;&lt;/title&gt;&lt;script&gt;d\u2026</text>");
        assertThat(svg).doesNotContain("<script").doesNotContain("<svg onload").doesNotContain("style=");
    }

    @Test
    void theTimeAxisIsLabelledAtMidnightsOverDaysAndEvenlyWithinAFewDays() {
        Instant first = Instant.parse("2026-11-01T10:00:00Z");
        assertThat(CoverageChart.ticks(first, Instant.parse("2026-11-08T09:00:00Z"), 6 * 86_400_000L + 23 * 3_600_000L))
                .extracting(Instant::toString)
                .containsExactly("2026-11-02T00:00:00Z", "2026-11-04T00:00:00Z", "2026-11-06T00:00:00Z", "2026-11-08T00:00:00Z");
        assertThat(CoverageChart.ticks(first, Instant.parse("2026-11-01T14:00:00Z"), 4 * 3_600_000L))
                .extracting(Instant::toString).containsExactly("2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z",
                        "2026-11-01T12:00:00Z", "2026-11-01T13:00:00Z", "2026-11-01T14:00:00Z");
        assertThat(CoverageChart.ticks(first, first, 0)).containsExactly(first);
        assertThat(CoverageChart.tickText(first, 4 * 86_400_000L)).isEqualTo("2026-11-01");
        assertThat(CoverageChart.tickText(first, 3_600_000L)).isEqualTo("11-01 10:00");
        assertThat(CoverageChart.tickText(first.plusSeconds(7), 60_000L)).isEqualTo("10:00:07");
    }

    @Test
    void noRunNoChart() {
        assertThat(CoverageChart.svg(List.of(new CoverageSeries("m", List.of())))).isEmpty();
    }
}
