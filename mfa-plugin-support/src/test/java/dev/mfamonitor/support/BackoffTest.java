package dev.mfamonitor.support;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

    @RepeatedTest(20)
    void delaysDoubleWithJitterBetweenHalfAndWholeAndStopAtTheMaximum() {
        assertThat(backoff.delay(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(backoff.delay(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(backoff.delay(30)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    @RepeatedTest(20)
    void aRetryAfterOfZeroNeverShortensTheBackoff() {
        assertThat(backoff.next(1, Optional.of(Duration.ZERO)).orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsWaitedInFull() {
        assertThat(backoff.next(1, Optional.of(Duration.ofSeconds(7)))).contains(Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterLongerThanTheMaximumMeansGiveUpForThisRun() {
        assertThat(backoff.next(1, Optional.of(Duration.ofSeconds(31)))).isEmpty();
        assertThat(backoff.next(1, Optional.of(Duration.ofSeconds(30)))).contains(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        assertThat(Backoff.parseRetryAfter("120", now)).contains(Duration.ofMinutes(2));
        assertThat(Backoff.parseRetryAfter("Sun, 29 Nov 2026 12:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(Backoff.parseRetryAfter("Sun, 29 Nov 2026 11:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(Backoff.parseRetryAfter("soon", now)).isEmpty();
        assertThat(Backoff.parseRetryAfter("-5", now)).isEmpty();
        assertThat(Backoff.parseRetryAfter(null, now)).isEmpty();
    }

    @Test
    void aSleepThatWouldPassTheDeadlineIsRefusedWithoutSleeping() throws InterruptedException {
        long[] now = {0};
        java.util.List<Duration> slept = new java.util.ArrayList<>();
        dev.mfamonitor.spi.Deadline deadline = dev.mfamonitor.spi.Deadline.after(Duration.ofSeconds(5), () -> now[0]);

        assertThat(Backoff.sleepWithin(Duration.ofSeconds(6), deadline, slept::add)).isFalse();
        assertThat(slept).isEmpty();
        assertThat(Backoff.sleepWithin(Duration.ofMillis(1), deadline, slept::add)).isTrue();
        assertThat(slept).containsExactly(Duration.ofMillis(1));
    }
}
