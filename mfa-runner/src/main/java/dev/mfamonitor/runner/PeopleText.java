package dev.mfamonitor.runner;

import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.support.SafeText;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

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
        long seconds = Math.max(0, duration.getSeconds());
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long secs = seconds % 60;
        if (days > 0) {
            return days + " d" + (hours > 0 ? " " + hours + " h" : "");
        } else if (hours > 0) {
            return hours + " h" + (minutes > 0 ? " " + minutes + " min" : "");
        } else if (minutes > 0) {
            return minutes + " min" + (secs > 0 ? " " + secs + " s" : "");
        }
        return secs + " s";
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

    /** "1 event", "2 events". */
    static String count(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
