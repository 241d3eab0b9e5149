package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Bucket;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;
import dev.mfamonitor.testkit.okta.FakeOkta.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Okta's limits are the org's, shared with every other integration: the monitor keeps a share of each bucket free,
 * waits out a 429 until the bucket resets when the deadline allows, and otherwise fails saying when it can run again.
 * Every wait goes through the test's sleeper, which moves the virtual clock the fake's windows run on.
 */
class OktaRateLimitTest {
    private final OktaFixture fixture = new OktaFixture();
    private final FakeOkta okta = fixture.okta;
    /** The minute (of the virtual clock) of every factor request, in order. */
    private final List<Long> windowsUsed = new ArrayList<>();

    @AfterEach
    void close() {
        fixture.close();
    }

    private ScanRequest firstWithin(Duration deadline) {
        return new ScanRequest(Optional.empty(), true, Deadline.after(deadline, fixture.context.nanoTime()));
    }

    @Test
    void theMonitorStopsAtTheReserveAndWaitsForTheResetSoThatOtherIntegrationsKeepTwentyPercent() throws Exception {
        okta.users(150);
        okta.rateLimit(Bucket.USER, 100);
        okta.onRequest(r -> {
            if (r.kind() == Kind.FACTORS) {
                windowsUsed.add(fixture.context.now().getEpochSecond() / 60);
            }
        });

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(150);
        assertThat(okta.throttledCount()).as("no 429").isZero();
        assertThat(fixture.context.sleeps()).as("80 of 100 in the first minute, then a wait until 1 s past its reset")
                .containsExactly(Duration.ofSeconds(61));
        assertThat(windowsUsed.stream().filter(w -> w.equals(windowsUsed.get(0))).count()).isEqualTo(80);
        assertThat(windowsUsed.stream().filter(w -> !w.equals(windowsUsed.get(0))).count()).isEqualTo(70);
    }

    @Test
    void theReserveIsConfigurable() throws Exception {
        okta.users(150);
        okta.rateLimit(Bucket.USER, 100);

        fixture.monitor(fixture.config(Map.of("rateLimitReservePercent", 0))).snapshot(fixture.first());

        assertThat(okta.throttledCount()).isZero();
        assertThat(fixture.context.sleeps()).as("all 100 of the first minute, then the wait")
                .containsExactly(Duration.ofSeconds(61));
    }

    @Test
    void aPaceThatWouldPassTheDeadlineFailsSayingWhenTheMonitorCanRunAgain() {
        okta.users(150);
        okta.rateLimit(Bucket.USER, 100);

        assertThatThrownBy(() -> fixture.monitor().snapshot(firstWithin(Duration.ofSeconds(30))))
                .isInstanceOf(OktaException.class)
                .satisfies(e -> assertThat(((OktaException) e).reason()).isEqualTo(OktaException.Reason.RATE_LIMITED))
                .hasMessageContaining("Okta's rate limit for a user's factors (/api/v1/users/{id}/factors) of org")
                .hasMessageContaining("has 20 of 100 requests left until 2026-01-01T00:01:01Z")
                .hasMessageContaining("keeps 20% of it free for the org's other integrations")
                .hasMessageContaining("the monitor can run again from 2026-01-01T00:01:01Z");
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(80);
        assertThat(fixture.context.sleeps()).isEmpty();
    }

    @Test
    void a429WaitsUntilTheBucketResetsWhenTheDeadlineAllows() throws Exception {
        okta.users(3);
        long reset = fixture.context.now().getEpochSecond() + 30;
        okta.script(r -> r.kind() == Kind.FACTORS, 1, new Reply(429, Map.of("X-Rate-Limit-Limit", "600",
                "X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", Long.toString(reset)),
                Reply.error(429, "E0000047", "API call exceeded rate limit due to too many requests.").body()));

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(3);
        assertThat(fixture.context.sleeps()).containsExactly(Duration.ofSeconds(31));
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(4);
    }

    @Test
    void a429WhoseResetComesAfterTheDeadlineFailsSayingWhenItCanRunAgain() {
        okta.users(3);
        long reset = fixture.context.now().getEpochSecond() + 600;
        okta.script(r -> r.kind() == Kind.FACTORS, -1, new Reply(429, Map.of("X-Rate-Limit-Limit", "600",
                "X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", Long.toString(reset)),
                Reply.error(429, "E0000047", "API call exceeded rate limit due to too many requests.").body()));

        assertThatThrownBy(() -> fixture.monitor().snapshot(firstWithin(Duration.ofMinutes(2))))
                .isInstanceOf(OktaException.class)
                .satisfies(e -> assertThat(((OktaException) e).reason()).isEqualTo(OktaException.Reason.RATE_LIMITED))
                .hasMessageContaining("answered 429")
                .hasMessageContaining("the limit resets at 2026-01-01T00:10:01Z, after this run's deadline: the monitor "
                        + "can run again from then");
        assertThat(fixture.context.sleeps()).isEmpty();
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(1);
    }

    @Test
    void aBucketsPaceDoesNotHoldBackAnotherBucket() throws Exception {
        okta.users(150);
        okta.rateLimit(Bucket.USERS, 2);

        fixture.monitor().snapshot(fixture.first());

        // The listing's own bucket (2 a minute, reserve 1) waits between its pages; the 150 factor lists do not.
        assertThat(fixture.context.sleeps()).containsExactly(Duration.ofSeconds(61));
        assertThat(okta.throttledCount()).isZero();
    }
}
