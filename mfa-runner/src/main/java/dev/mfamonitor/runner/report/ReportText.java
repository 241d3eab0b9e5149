package dev.mfamonitor.runner.report;

import dev.mfamonitor.spi.MfaStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the report words times, ages and statuses: UTC to the minute, ages in their two largest units. Plain text, not yet escaped. */
public final class ReportText {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private ReportText() {
    }

    /** {@code 2026-12-02 14:05 UTC}. */
    public static String time(Instant instant) {
        return MINUTE.format(instant);
    }

    /** {@code 2026-12-02}. */
    public static String day(Instant instant) {
        return DAY.format(instant);
    }

    /** {@code 12-02 14:05}, for chart ticks within a few days. */
    public static String dayAndTime(Instant instant) {
        return DAY_AND_TIME.format(instant);
    }

    /** {@code 14:05:09}, for chart ticks within an hour. */
    public static String timeOfDay(Instant instant) {
        return TIME_OF_DAY.format(instant);
    }

    /** {@code 45 s}, {@code 3 min 20 s}, {@code 2 h 5 min}, {@code 3 d 4 h}, rounded down; negative counts as 0. */
    public static String duration(Duration duration) {
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

    /** {@code enabled}, {@code disabled}, {@code not applicable}, {@code unknown}. */
    public static String status(MfaStatus status) {
        return status.configName().replace('_', ' ');
    }
}
