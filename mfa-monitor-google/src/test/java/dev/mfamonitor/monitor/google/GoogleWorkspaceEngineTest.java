package dev.mfamonitor.monitor.google;

import dev.mfamonitor.testkit.MemoryStateStore;

import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The monitor in the real run engine (DiffEngine, policy, outbox) over the fake Workspace, run after run. */
class GoogleWorkspaceEngineTest {
    private final GoogleFixture fixture = new GoogleFixture();
    private final List<ChangeEvent> delivered = new CopyOnWriteArrayList<>();
    private final RunEngine engine;

    GoogleWorkspaceEngineTest() {
        fixture.fake.users(1_099);
        Notifier capture = new Notifier() {
            @Override
            public DeliveryResult send(Notification notification) {
                delivered.addAll(notification.events());
                return DeliveryResult.delivered();
            }
        };
        engine = RunEngine.builder().stateStore(new MemoryStateStore()).monitor(GoogleFixture.ID, fixture.monitor())
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
        fixture.context.advance(Duration.ofHours(1));
        RunReport report = engine.run();
        assertThat(report.monitorFailures()).as(report.message()).isEmpty();
        return report.newEvents();
    }

    private static List<EventType> types(List<ChangeEvent> events) {
        return events.stream().map(ChangeEvent::type).toList();
    }

    @Test
    void anAdminWhoTurns2svOffIsCriticalADelegatedAdminHigh() {
        assertThat(types(run())).containsExactly(EventType.BASELINE);
        fixture.fake.userAt(0).enrolled(false);                  // the super admin the fixture adds
        fixture.fake.userAt(10).delegatedAdmin(true).enrolled(false);

        List<ChangeEvent> events = run();

        assertThat(events).extracting(e -> e.type() + " " + e.account().orElseThrow().name() + " " + e.severity())
                .containsExactlyInAnyOrder(
                        "MFA_DISABLED " + fixture.fake.adminEmail() + " CRITICAL",
                        "MFA_DISABLED " + fixture.fake.userAt(10).primaryEmail() + " " + Severity.HIGH);
        assertThat(delivered).containsAll(events);
        assertThat(fixture.fake.getRequests()).as("each newly disabled user read once more").isEqualTo(2);
    }

    @Test
    void aListThatSaysNotEnrolledWhileUsersGetSaysEnrolledRaisesNoAlert() {
        run();
        String misreported = fixture.fake.userAt(500).id();
        fixture.fake.listSaysNotEnrolled(misreported);

        List<ChangeEvent> events = run();

        assertThat(events).isEmpty();
        assertThat(fixture.fake.getRequests()).isEqualTo(1);
        fixture.fake.userAt(500).enrolled(false);
        assertThat(run()).extracting(ChangeEvent::type, e -> e.account().orElseThrow().id())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.MFA_DISABLED, misreported));
    }

    @Test
    void enforcementSwitchedOffForAnOrganisationalUnitIsRequirementDisabledNamingHowMany() {
        run();
        for (int i = 100; i < 130; i++) {
            fixture.fake.userAt(i).orgUnitPath("/Contractors").enforced(false);
        }

        List<ChangeEvent> events = run();

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.REQUIREMENT_DISABLED);
            assertThat(e.previous()).contains(MfaStatus.ENABLED);
            assertThat(e.current()).contains(MfaStatus.DISABLED);
            assertThat(e.detail()).isEqualTo("2-Step Verification enforced for every active user: 30 of 1100 active "
                    + "users are not enforced");
        });
        for (int i = 100; i < 130; i++) {
            fixture.fake.userAt(i).enforced(true);
        }
        assertThat(types(run())).containsExactly(EventType.REQUIREMENT_ENABLED);
    }

    @Test
    void suspendingAUserWithout2svIsNotAnAlert() {
        fixture.fake.userAt(20).enrolled(false);
        run();
        fixture.fake.userAt(20).suspended(true);

        assertThat(types(run())).containsExactly(EventType.MFA_NOT_REQUIRED);
    }
}
