package dev.mfamonitor.runner.report;

import dev.mfamonitor.runner.report.ReportData.CoveragePoint;
import dev.mfamonitor.runner.report.ReportData.CoverageSeries;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The coverage-over-time chart as inline SVG: a line per monitor, one {@code <circle class="point">} per stored run
 * (with a {@code <title>} tooltip), the monitor's name at the end of its line. Colours come from the page's style
 * sheet through the classes {@code c0} to {@code c7}, so the SVG carries no {@code style} attribute (a strict
 * Content-Security-Policy would refuse one). Every name is escaped by {@link Html}.
 */
public final class CoverageChart {
    /** How many series colours the style sheet defines. */
    public static final int COLOURS = 8;

    private static final int WIDTH = 960;
    private static final int HEIGHT = 320;
    private static final int LEFT = 52;
    private static final int RIGHT = 150;
    private static final int TOP = 14;
    private static final int BOTTOM = 40;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    private static final double LABEL_GAP = 13;
    private static final int LABEL_CHARS = 20;

    private CoverageChart() {
    }

    /** The style class of the {@code index}-th series. */
    public static String colourClass(int index) {
        return "c" + index % COLOURS;
    }

    /** The chart, or empty when no series has a point. */
    public static String svg(List<CoverageSeries> series) {
        List<Instant> times = series.stream().flatMap(s -> s.points().stream()).map(CoveragePoint::at).sorted().toList();
        if (times.isEmpty()) {
            return "";
        }
        Instant first = times.get(0);
        Instant last = times.get(times.size() - 1);
        long span = Duration.between(first, last).toMillis();

        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"coverage-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-labelledby=\"coverage-chart-title\">\n")
                .append("<title id=\"coverage-chart-title\">MFA coverage per monitor, one point per stored run</title>\n");
        axes(svg, first, last, span);
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            CoverageSeries one = series.get(i);
            if (one.points().isEmpty()) {
                continue;
            }
            svg.append("<g class=\"series ").append(colourClass(i)).append("\" data-monitor=\"")
                    .append(Html.attribute(one.monitorId())).append("\">\n");
            List<CoveragePoint> points = one.points().stream().sorted(Comparator.comparing(CoveragePoint::at)).toList();
            if (points.size() > 1) {
                svg.append("<polyline class=\"line\" points=\"");
                for (CoveragePoint point : points) {
                    svg.append(number(x(point.at(), first, span))).append(',').append(number(y(point.percent()))).append(' ');
                }
                svg.setLength(svg.length() - 1);
                svg.append("\"/>\n");
            }
            for (CoveragePoint point : points) {
                svg.append("<circle class=\"point").append(point.failed() ? " failed" : "").append("\" cx=\"").append(number(x(point.at(), first, span))).append("\" cy=\"")
                        .append(number(y(point.percent()))).append("\" r=\"3.5\"><title>")
                        .append(Html.text(one.monitorId() + ", " + ReportText.time(point.at()) + ": " + percent(point.percent())
                                + " (" + point.withMfa() + " of " + point.counted() + " with MFA)"
                                + (point.note().isEmpty() ? "" : "; " + point.note())))
                        .append("</title></circle>\n");
            }
            CoveragePoint end = points.get(points.size() - 1);
            labels.add(new Label(one.monitorId(), i, y(end.percent())));
            svg.append("</g>\n");
        }
        labelEnds(svg, labels);
        return svg.append("</svg>\n").toString();
    }

    private static void axes(StringBuilder svg, Instant first, Instant last, long span) {
        svg.append("<g class=\"axes\">\n");
        for (int p = 0; p <= 100; p += 25) {
            String y = number(y(p));
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT_WIDTH)
                    .append("\" y1=\"").append(y).append("\" y2=\"").append(y).append("\"/>")
                    .append("<text class=\"tick y\" x=\"").append(LEFT - 6).append("\" y=\"").append(number(y(p) + 4))
                    .append("\">").append(p).append("%</text>\n");
        }
        for (Instant at : ticks(first, last, span)) {
            String x = number(x(at, first, span));
            svg.append("<text class=\"tick x\" x=\"").append(x).append("\" y=\"").append(TOP + PLOT_HEIGHT + 18).append("\">")
                    .append(Html.text(tickText(at, span)))
                    .append("</text>\n");
        }
        svg.append("<text class=\"axis-note\" x=\"").append(LEFT + PLOT_WIDTH).append("\" y=\"").append(HEIGHT - 4)
                .append("\">UTC</text>\n");
        svg.append("</g>\n");
    }

    /**
     * Where the time axis is labelled: over more than three days at midnights (UTC), at most about six of them; over a
     * shorter span at five even steps; a single moment once.
     */
    static List<Instant> ticks(Instant first, Instant last, long span) {
        if (span == 0) {
            return List.of(first);
        }
        List<Instant> ticks = new ArrayList<>();
        if (span > Duration.ofDays(3).toMillis()) {
            long days = Duration.ofMillis(span).toDays();
            long step = Math.max(1, (days + 4) / 5);
            Instant midnight = first.truncatedTo(ChronoUnit.DAYS);
            for (Instant at = midnight.isBefore(first) ? midnight.plus(1, ChronoUnit.DAYS) : midnight; !at.isAfter(last);
                 at = at.plus(step, ChronoUnit.DAYS)) {
                ticks.add(at);
            }
            return ticks;
        }
        for (int i = 0; i < 5; i++) {
            ticks.add(first.plusMillis(Math.round(span * (i / 4.0))));
        }
        return ticks;
    }

    /** A tick's text: the day over more than three days, else day and minute, else (within an hour) the second. */
    static String tickText(Instant at, long span) {
        if (span > Duration.ofDays(3).toMillis()) {
            return ReportText.day(at);
        }
        return span >= Duration.ofHours(1).toMillis() ? ReportText.dayAndTime(at) : ReportText.timeOfDay(at);
    }

    /** The monitors' names beside the ends of their lines, pushed apart where lines end close together. */
    private static void labelEnds(StringBuilder svg, List<Label> labels) {
        List<Label> byHeight = new ArrayList<>(labels);
        byHeight.sort(Comparator.comparingDouble(Label::y));
        double previous = Double.NEGATIVE_INFINITY;
        svg.append("<g class=\"labels\">\n");
        for (Label label : byHeight) {
            double y = Math.max(label.y() + 4, previous + LABEL_GAP);
            previous = y;
            svg.append("<text class=\"label ").append(colourClass(label.index())).append("\" x=\"")
                    .append(LEFT + PLOT_WIDTH + 8).append("\" y=\"").append(number(y)).append("\">")
                    .append(Html.text(shortened(label.text()))).append("</text>\n");
        }
        svg.append("</g>\n");
    }

    /** A name cut to fit the right margin; the legend below the chart has it whole. */
    private static String shortened(String name) {
        return name.codePointCount(0, name.length()) <= LABEL_CHARS ? name
                : name.substring(0, name.offsetByCodePoints(0, LABEL_CHARS - 1)) + "\u2026";
    }

    private record Label(String text, int index, double y) {
    }

    private static double x(Instant at, Instant first, long span) {
        return span == 0 ? LEFT + PLOT_WIDTH / 2.0 : LEFT + PLOT_WIDTH * (Duration.between(first, at).toMillis() / (double) span);
    }

    private static double y(double percent) {
        return TOP + PLOT_HEIGHT * (1 - percent / 100.0);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** {@code 95.2%}, {@code 100%}. */
    static String percent(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + "%";
    }
}
