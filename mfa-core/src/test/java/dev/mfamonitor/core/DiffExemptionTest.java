package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mfamonitor.core.DiffFixtures.MONITOR;
import static dev.mfamonitor.core.DiffFixtures.member;
import static dev.mfamonitor.core.DiffFixtures.next;
import static dev.mfamonitor.core.DiffFixtures.snapshot;
import static dev.mfamonitor.core.DiffFixtures.stateOf;
import static dev.mfamonitor.core.DiffFixtures.types;
import static org.assertj.core.api.Assertions.assertThat;

/** Exceptions (DESIGN.md, "One run", step 8): silence chosen accounts, and report an exception once it expires. */
class DiffExemptionTest {
    private static final LocalDate EXPIRY = LocalDate.of(2025, 3, 10);
    private static final Instant EXPIRES_AT = Instant.parse("2025-03-10T00:00:00Z");
    private static final Instant BEFORE = Instant.parse("2025-03-09T12:00:00Z");
    private static final Instant AFTER = Instant.parse("2025-03-10T12:00:00Z");

    private final Account bot = member("7", "deploy-bot", MfaStatus.ENABLED);
    private final Account alice = member("1", "alice", MfaStatus.ENABLED);

    private static DiffEngine engine(Exemption... exemptions) {
        return new DiffEngine(Policy.defaults().withExemptions(List.of(exemptions)));
    }

    private static Exemption forever(String monitor, String account) {
        return new Exemption(monitor, account, "machine user", Optional.empty());
    }

    @Test
    void exemptionByNameSilencesOnlyThatAccount() {
        DiffEngine engine = engine(forever(MONITOR, "deploy-bot"));
        Account newBot = member("8", "deploy-bot-2", MfaStatus.DISABLED);

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(BEFORE, bot, alice)),
                snapshot(AFTER, bot.withMfa(MfaStatus.DISABLED), alice.withMfa(MfaStatus.DISABLED), newBot), AFTER, false);

        assertThat(result.events()).extracting(e -> e.type() + " " + e.account().orElseThrow().name())
                .containsExactlyInAnyOrder("MFA_DISABLED alice", "NEW_ACCOUNT_WITHOUT_MFA deploy-bot-2");
        assertThat(result.alertedAt()).containsOnlyKeys("1", "8");
    }

    @Test
    void exemptionSilencesANewAccountWithoutMfa() {
        DiffEngine engine = engine(forever(MONITOR, "deploy-bot"));

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(BEFORE, alice)),
                snapshot(AFTER, alice, bot.withMfa(MfaStatus.DISABLED)), AFTER, false);

        assertThat(result.events()).isEmpty();
        assertThat(result.alertedAt()).isEmpty();
    }

    @Test
    void exemptionById() {
        DiffEngine engine = engine(forever(MONITOR, "7"));

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(BEFORE, bot, alice)),
                snapshot(AFTER, bot.withMfa(MfaStatus.DISABLED), alice.withMfa(MfaStatus.DISABLED)), AFTER, false);

        assertThat(result.events()).extracting(e -> e.account().orElseThrow().name()).containsExactly("alice");
    }

    @Test
    void exemptionOfAnotherMonitorDoesNotApply() {
        DiffEngine engine = engine(forever("github-other", "deploy-bot"));

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(BEFORE, bot)),
                snapshot(AFTER, bot.withMfa(MfaStatus.DISABLED)), AFTER, false);

        assertThat(types(result)).containsExactly(EventType.MFA_DISABLED);
    }

    @Test
    void exemptionWithoutExpiryNeverExpires() {
        DiffEngine engine = engine(forever(MONITOR, "deploy-bot"));
        Instant farFuture = Instant.parse("2999-01-01T00:00:00Z");

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(BEFORE, bot)),
                snapshot(farFuture, bot.withMfa(MfaStatus.DISABLED)), farFuture, false);

        assertThat(result.events()).isEmpty();
    }

    @Test
    void exemptionSilencesTheBaselineListAndReminders() {
        DiffEngine engine = new DiffEngine(Policy.defaults().withRemind(Duration.ofDays(7))
                .withExemptions(List.of(forever(MONITOR, "deploy-bot"))));
        Account disabledBot = bot.withMfa(MfaStatus.DISABLED);
        Account disabledAlice = alice.withMfa(MfaStatus.DISABLED);

        DiffEngine.Result baseline = engine.diff(MONITOR, MonitorState.NEW, snapshot(BEFORE, disabledBot, disabledAlice), BEFORE, false);
        Instant later = BEFORE.plus(Duration.ofDays(8));
        DiffEngine.Result reminded = engine.diff(MONITOR, next(baseline), snapshot(later, disabledBot, disabledAlice), later, false);

        assertThat(baseline.events().get(0).detail()).isEqualTo("2 accounts: 0 with MFA, 2 without (alice; excepted: deploy-bot), 0 not applicable, 0 unknown");
        assertThat(baseline.alertedAt()).isEqualTo(Map.of("1", BEFORE));
        assertThat(reminded.events()).extracting(e -> e.type() + " " + e.account().orElseThrow().name())
                .containsExactly("REMINDER alice");
    }

    @Test
    void exemptionIsActiveUntilItsDayStartsInUtc() {
        Exemption exemption = new Exemption(MONITOR, "deploy-bot", "machine user", Optional.of(EXPIRY));

        assertThat(exemption.expiresAt()).contains(EXPIRES_AT);
        assertThat(exemption.activeAt(EXPIRES_AT.minusMillis(1))).isTrue();
        assertThat(exemption.activeAt(EXPIRES_AT)).isFalse();
    }

    @Test
    void expiredExemptionIsReportedOnceAndThenTheAccountGetsReminders() {
        DiffEngine engine = new DiffEngine(Policy.defaults().withRemind(Duration.ofDays(7)).withExemptions(List.of(
                new Exemption(MONITOR, "deploy-bot", "machine user until the migration", Optional.of(EXPIRY)))));
        Account disabledBot = bot.withMfa(MfaStatus.DISABLED);

        DiffEngine.Result silenced = engine.diff(MONITOR, stateOf(snapshot(BEFORE.minus(Duration.ofDays(1)), bot)),
                snapshot(BEFORE, disabledBot), BEFORE, false);
        DiffEngine.Result expired = engine.diff(MONITOR, next(silenced), snapshot(AFTER, disabledBot), AFTER, false);
        Instant dayLater = AFTER.plus(Duration.ofDays(1));
        DiffEngine.Result nextDay = engine.diff(MONITOR, next(expired), snapshot(dayLater, disabledBot), dayLater, false);
        Instant weekLater = AFTER.plus(Duration.ofDays(7));
        DiffEngine.Result weekLaterResult = engine.diff(MONITOR, next(nextDay), snapshot(weekLater, disabledBot), weekLater, false);

        assertThat(silenced.events()).isEmpty();
        assertThat(silenced.alertedAt()).isEmpty();

        assertThat(expired.events()).hasSize(1);
        ChangeEvent event = expired.events().get(0);
        assertThat(event.type()).isEqualTo(EventType.EXCEPTION_EXPIRED);
        assertThat(event.severity()).isEqualTo(Severity.HIGH);
        assertThat(event.account()).contains(disabledBot);
        assertThat(event.detail()).isEqualTo("exception for deploy-bot (\"machine user until the migration\") expired on "
                + "2025-03-10; the account is still without MFA");
        assertThat(expired.alertedAt()).isEqualTo(Map.of("7", AFTER));

        assertThat(nextDay.events()).isEmpty();
        assertThat(weekLaterResult.events()).extracting(e -> e.type() + " " + e.account().orElseThrow().name())
                .containsExactly("REMINDER deploy-bot");
    }

    @Test
    void expiredExemptionOfAnAccountWithMfaIsLowSeverity() {
        DiffEngine engine = engine(new Exemption(MONITOR, "deploy-bot", "machine user", Optional.of(EXPIRY)));

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(BEFORE, bot)), snapshot(AFTER, bot), AFTER, false);

        assertThat(types(result)).containsExactly(EventType.EXCEPTION_EXPIRED);
        assertThat(result.events().get(0).severity()).isEqualTo(Severity.LOW);
        assertThat(result.events().get(0).detail()).isEqualTo("exception for deploy-bot (\"machine user\") expired on 2025-03-10");
        assertThat(result.alertedAt()).isEmpty();
    }

    @Test
    void expiryIsReportedOnceWhenTheSourceReportLagsBehindTheRun() {
        // IAM's credential report is hours old when read: the snapshot's time is the report's, not the run's.
        DiffEngine engine = engine(new Exemption(MONITOR, "deploy-bot", "machine user", Optional.of(EXPIRY)));
        Account disabledBot = bot.withMfa(MfaStatus.DISABLED);
        Duration lag = Duration.ofHours(4);
        Instant run1 = EXPIRES_AT.plus(Duration.ofHours(1));
        Instant run2 = EXPIRES_AT.plus(Duration.ofHours(13));
        Instant run3 = EXPIRES_AT.plus(Duration.ofHours(25));

        DiffEngine.Result first = engine.diff(MONITOR, stateOf(snapshot(BEFORE, disabledBot)),
                snapshot(run1.minus(lag), disabledBot), run1, false);
        DiffEngine.Result second = engine.diff(MONITOR, next(first), snapshot(run2.minus(lag), disabledBot), run2, false);
        DiffEngine.Result third = engine.diff(MONITOR, next(second), snapshot(run3.minus(lag), disabledBot), run3, false);

        long reported = java.util.stream.Stream.of(first, second, third).flatMap(r -> r.events().stream())
                .filter(e -> e.type() == EventType.EXCEPTION_EXPIRED).count();
        assertThat(reported).isEqualTo(1);
    }

    @Test
    void exemptionThatExpiredBeforeTheFirstRunIsReportedWithTheBaseline() {
        DiffEngine engine = engine(new Exemption(MONITOR, "deploy-bot", "machine user", Optional.of(EXPIRY)));
        Account disabledBot = bot.withMfa(MfaStatus.DISABLED);

        DiffEngine.Result baseline = engine.diff(MONITOR, MonitorState.NEW, snapshot(AFTER, disabledBot), AFTER, false);
        Instant later = AFTER.plus(Duration.ofHours(12));
        DiffEngine.Result second = engine.diff(MONITOR, next(baseline), snapshot(later, disabledBot), later, false);

        assertThat(types(baseline)).containsExactly(EventType.BASELINE, EventType.EXCEPTION_EXPIRED);
        assertThat(baseline.events().get(1).severity()).isEqualTo(Severity.HIGH);
        assertThat(baseline.alertedAt()).isEqualTo(Map.of("7", AFTER));
        assertThat(second.events()).isEmpty();
    }
}
