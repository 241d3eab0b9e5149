package dev.mfamonitor.runner;

import dev.mfamonitor.runner.report.ReportText;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.support.SafeText;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** How the commands show times, durations and statuses to people: to the second, in words, never raw enum names. */
final class PeopleText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private PeopleText() {
    }

    /** {@code 2026-12-02 07:50:12 UTC}: no fractions of a second. */
    static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code 2026-12-02 07:50:12 UTC (3 h 5 min ago)}. */
    static String timeAgo(Instant instant, Instant now) {
        Duration age = Duration.between(instant, now);
        return time(instant) + (age.isNegative() ? "" : " (" + duration(age) + " ago)");
    }

    /** A duration in its two largest units, rounded down: {@code 45 s}, {@code 3 min 20 s}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
    static String duration(Duration duration) {
        return ReportText.duration(duration); // the report words ages as the terminal does
    }

    /** {@code with MFA}, {@code without MFA}, {@code not applicable}, {@code unknown}. */
    static String status(MfaStatus status) {
        return switch (status) {
            case ENABLED -> "with MFA";
            case DISABLED -> "without MFA";
            case NOT_APPLICABLE -> "not applicable";
            case UNKNOWN -> "unknown";
        };
    }

    /** The status as a cell: {@code enabled}, {@code disabled}, {@code not applicable}, {@code unknown}. */
    static String statusWord(MfaStatus status) {
        return status.configName().replace('_', ' ');
    }

    /** Text from a plugin or a source, without control or invisible characters (a name cannot forge a line). */
    static String clean(String text) {
        return text == null ? "" : SafeText.clean(text);
    }

    /**
     * Lines of cells as aligned columns, two spaces apart, widths in code points, each line ending in the platform's
     * line separator without trailing spaces. The cells must already be {@linkplain #clean cleaned}.
     */
    static String columns(List<String[]> lines) {
        int[] widths = new int[lines.get(0).length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].codePointCount(0, line[i].length()));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(line[i]);
                if (i < line.length - 1) {
                    text.append(" ".repeat(widths[i] + 2 - line[i].codePointCount(0, line[i].length())));
                }
            }
            out.append(text.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** "1 event", "2 events". */
    static String count(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
