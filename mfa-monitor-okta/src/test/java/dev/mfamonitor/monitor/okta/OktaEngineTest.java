package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.testkit.MemoryStateStore;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The monitor in the real run engine (DiffEngine, policy, outbox) over the fake org, run after run. */
class OktaEngineTest {
    private final OktaFixture fixture = new OktaFixture();
    private final FakeOkta okta = fixture.okta;
    private final List<ChangeEvent> delivered = new CopyOnWriteArrayList<>();
    private final MemoryStateStore store = new MemoryStateStore();
    private final RunEngine engine;

    OktaEngineTest() {
        okta.users(200);
        okta.get(FakeOkta.idOf(1)).admin(true);
        Notifier capture = new Notifier() {
            @Override
            public DeliveryResult send(Notification notification) {
                delivered.addAll(notification.events());
                return DeliveryResult.delivered();
            }
        };
        engine = RunEngine.builder().stateStore(store).monitor(OktaFixture.ID, fixture.monitor())
                .eventTypes(OktaFixture.ID, new OktaMonitorProvider().eventTypes())
                .notifier("capture", capture).clock(fixture.context.clock()).nanoTime(fixture.context.nanoTime())
                .sleeper(fixture.context.sleeper()).redactor(fixture.context.redactor()).build();
    }

    @AfterEach
    void close() {
        engine.close();
        fixture.close();
    }

    private List<ChangeEvent> run() {
        delivered.clear();
        fixture.context.advance(Duration.ofMinutes(15));
        okta.resetRequests();
        RunReport report = engine.run();
        assertThat(report.monitorFailures()).as(report.message()).isEmpty();
        return report.newEvents();
    }

    private static List<String> described(List<ChangeEvent> events) {
        return events.stream().map(e -> e.type() + " " + e.account().map(a -> a.name()).orElse("-") + " " + e.severity())
                .toList();
    }

    @Test
    void anAdminWhoLosesMfaIsCriticalSmsOnlyIsWeakAndADeactivatedUserIsNotAFinding() {
        assertThat(run()).extracting(ChangeEvent::type).containsExactly(EventType.BASELINE);
        okta.resetFactors(FakeOkta.idOf(1));                    // the admin
        okta.resetFactors(FakeOkta.idOf(2));
        okta.resetFactors(FakeOkta.idOf(3));
        okta.activateFactor(FakeOkta.idOf(3), "sms");
        okta.resetFactors(FakeOkta.idOf(4));

        assertThat(described(run())).containsExactlyInAnyOrder(
                "MFA_DISABLED user1@acme.example CRITICAL",
                "MFA_DISABLED user2@acme.example " + Severity.HIGH,
                "MFA_DISABLED user4@acme.example " + Severity.HIGH,
                "WEAK_MFA user3@acme.example " + Severity.MEDIUM);
        assertThat(okta.count(Kind.FACTORS)).as("steady state: the four named users").isEqualTo(4);

        okta.deactivate(FakeOkta.idOf(4));
        assertThat(described(run())).containsExactly("MFA_NOT_REQUIRED user4@acme.example INFO");
        assertThat(delivered).extracting(ChangeEvent::type).containsExactly(EventType.MFA_NOT_REQUIRED);
    }

    @Test
    void aNewUserWithoutMfaIsAFindingAndTheTokenIsNotInTheState() {
        run();
        okta.createUser("00unewcomer000000001", "newcomer@acme.example");

        assertThat(described(run())).containsExactly("NEW_ACCOUNT_WITHOUT_MFA newcomer@acme.example HIGH");
        assertThat(store.toString() + store.load().toString()).doesNotContain(OktaFixture.TOKEN);
    }

    @Test
    void rolesThatCannotBeReadAreOneNoticeNotOnePerRun() {
        okta.apiTokenMayReadRoles(false);
        assertThat(run()).extracting(ChangeEvent::type)
                .containsExactlyInAnyOrder(EventType.BASELINE, OktaMonitorProvider.ADMIN_ROLES_UNREADABLE);
        List<ChangeEvent> second = run();
        List<ChangeEvent> third = run();

        assertThat(second).isEmpty();
        assertThat(third).isEmpty();
    }
}
