package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.mfamonitor.core.DiffFixtures.MONITOR;
import static dev.mfamonitor.core.DiffFixtures.member;
import static dev.mfamonitor.core.DiffFixtures.next;
import static dev.mfamonitor.core.DiffFixtures.snapshot;
import static dev.mfamonitor.core.DiffFixtures.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

/** Reminders for accounts still without MFA ({@code policy.remind}). */
class DiffReminderTest {
    private static final Instant NOW = Instant.parse("2025-03-20T09:00:00Z");
    private static final Instant YESTERDAY = NOW.minus(Duration.ofDays(1));

    private final Account alice = member("1", "alice", MfaStatus.DISABLED);
    private final DiffEngine weekly = new DiffEngine(Policy.defaults().withRemind(Duration.ofDays(7)));

    @Test
    void accountStillWithoutMfaAfterTheIntervalIsRemindedOnce() {
        Instant alerted = NOW.minus(Duration.ofDays(8));

        DiffEngine.Result result = weekly.diff(MONITOR, stateOf(snapshot(YESTERDAY, alice), Map.of("1", alerted)),
                snapshot(NOW, alice), NOW, false);

        assertThat(result.events()).hasSize(1);
        ChangeEvent reminder = result.events().get(0);
        assertThat(reminder.type()).isEqualTo(EventType.REMINDER);
        assertThat(reminder.severity()).isEqualTo(Severity.LOW);
        assertThat(reminder.account()).contains(alice);
        assertThat(reminder.detail()).isEqualTo("without MFA since at least 2025-03-12T09:00:00Z");
        assertThat(result.alertedAt()).isEqualTo(Map.of("1", NOW));
    }

    @Test
    void reminderIsDueExactlyAtTheInterval() {
        DiffEngine.Result result = weekly.diff(MONITOR, stateOf(snapshot(YESTERDAY, alice), Map.of("1", NOW.minus(Duration.ofDays(7)))),
                snapshot(NOW, alice), NOW, false);

        assertThat(result.events()).extracting(ChangeEvent::type).containsExactly(EventType.REMINDER);
    }

    @Test
    void noReminderBeforeTheInterval() {
        Instant alerted = NOW.minus(Duration.ofDays(6));

        DiffEngine.Result result = weekly.diff(MONITOR, stateOf(snapshot(YESTERDAY, alice), Map.of("1", alerted)),
                snapshot(NOW, alice), NOW, false);

        assertThat(result.events()).isEmpty();
        assertThat(result.alertedAt()).isEqualTo(Map.of("1", alerted));
    }

    @Test
    void noReminderWithoutARemindPolicy() {
        Instant alerted = NOW.minus(Duration.ofDays(365));

        DiffEngine.Result result = new DiffEngine(Policy.defaults()).diff(MONITOR,
                stateOf(snapshot(YESTERDAY, alice), Map.of("1", alerted)), snapshot(NOW, alice), NOW, false);

        assertThat(result.events()).isEmpty();
        assertThat(result.alertedAt()).isEqualTo(Map.of("1", alerted));
    }

    @Test
    void accountThatGetsMfaIsDroppedFromReminders() {
        Account bob = member("2", "bob", MfaStatus.DISABLED);

        DiffEngine.Result result = weekly.diff(MONITOR,
                stateOf(snapshot(YESTERDAY, alice, bob), Map.of("1", YESTERDAY, "2", YESTERDAY)),
                snapshot(NOW, alice.withMfa(MfaStatus.ENABLED), bob), NOW, false);

        assertThat(result.events()).extracting(ChangeEvent::type).containsExactly(EventType.MFA_ENABLED);
        assertThat(result.alertedAt()).isEqualTo(Map.of("2", YESTERDAY));
    }

    @Test
    void removedAccountIsDroppedFromReminders() {
        DiffEngine.Result result = weekly.diff(MONITOR, stateOf(snapshot(YESTERDAY, alice), Map.of("1", YESTERDAY)),
                snapshot(NOW), NOW, false);

        assertThat(result.events()).extracting(ChangeEvent::type).containsExactly(EventType.ACCOUNT_REMOVED);
        assertThat(result.alertedAt()).isEmpty();
    }

    @Test
    void accountWithoutMfaThatWasNeverAlertedIsAlertedOnceAndStartsItsReminderClock() {
        // Only an exception that stopped covering the account leaves it without MFA and never alerted on.
        DiffEngine.Result result = weekly.diff(MONITOR, stateOf(snapshot(YESTERDAY, alice), Map.of()), snapshot(NOW, alice), NOW, false);

        assertThat(result.events()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.MFA_DISABLED);
            assertThat(event.account().orElseThrow().name()).isEqualTo("alice");
            assertThat(event.detail()).isEqualTo("without MFA and no longer covered by an exception");
        });
        assertThat(result.alertedAt()).isEqualTo(Map.of("1", NOW));

        DiffEngine.Result again = weekly.diff(MONITOR, next(result), snapshot(NOW.plusSeconds(60), alice), NOW.plusSeconds(60), false);
        assertThat(again.events()).isEmpty();
    }

    @Test
    void freshAlertRestartsTheReminderClock() {
        Account enabled = alice.withMfa(MfaStatus.ENABLED);

        DiffEngine.Result result = weekly.diff(MONITOR, stateOf(snapshot(YESTERDAY, enabled), Map.of("1", NOW.minus(Duration.ofDays(30)))),
                snapshot(NOW, alice), NOW, false);

        assertThat(result.events()).extracting(ChangeEvent::type).containsExactly(EventType.MFA_DISABLED);
        assertThat(result.alertedAt()).isEqualTo(Map.of("1", NOW));
    }
}
