package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.testkit.States;
import dev.mfamonitor.testkit.entra.FakeEntra;
import dev.mfamonitor.testkit.entra.FakeEntra.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.mfamonitor.monitor.entra.EntraFixture.byName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class EntraMonitorTest {
    private final EntraFixture fixture = new EntraFixture();
    private final FakeEntra entra = fixture.entra;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void twoThousandFiveHundredUsersOverManyPagesAreAllSeenWithSerialRequestsAndOneToken() throws Exception {
        entra.users(2500);
        entra.reportPageSize(100);

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(2500);
        assertThat(snapshot.accounts()).allMatch(a -> a.mfa() == MfaStatus.ENABLED && a.kind().equals("member"));
        assertThat(snapshot.accounts().stream().map(Account::id).collect(Collectors.toSet()))
                .contains(FakeEntra.idOf(1), FakeEntra.idOf(1250), FakeEntra.idOf(2500));
        assertThat(snapshot.complete()).isTrue();
        // ceil(2500/100) report pages + ceil(2500/999) user pages + the two policies.
        assertThat(entra.count(Kind.REPORT)).isEqualTo(25);
        assertThat(entra.count(Kind.USERS)).isEqualTo(3);
        assertThat(entra.count(Kind.SECURITY_DEFAULTS, Kind.CONDITIONAL_ACCESS)).isEqualTo(2);
        assertThat(entra.count(Kind.TOKEN)).isEqualTo(1);
        assertThat(entra.maxConcurrentRequests()).isEqualTo(1);
        assertThat(entra.requests().stream().filter(r -> r.kind() == Kind.USERS).findFirst().orElseThrow().query())
                .containsEntry("$select", "id,userPrincipalName,accountEnabled,userType").containsEntry("$top", "999");
    }

    @Test
    void disabledAccountsAreNotApplicableAndNeverFindingsEvenWhenALaggingReportStillListsThem() throws Exception {
        entra.users(2);
        entra.user("d1000000-0000-4000-8000-000000000001", "left@contoso.onmicrosoft.com").withoutMfa().accountEnabled(false);
        entra.user("d1000000-0000-4000-8000-000000000002", "lagging@contoso.onmicrosoft.com").withoutMfa()
                .accountEnabled(false).inReport(true);
        entra.user("d1000000-0000-4000-8000-000000000003", "nomfa@contoso.onmicrosoft.com").withoutMfa();

        EntraMonitor monitor = fixture.monitor();
        Snapshot snapshot = monitor.snapshot(fixture.first());
        Map<String, Account> accounts = byName(snapshot);

        assertThat(accounts.get("left@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts.get("lagging@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts.get("lagging@contoso.onmicrosoft.com").facts()).containsEntry("accountEnabled", "false");
        assertThat(accounts.get("nomfa@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.DISABLED);

        // Through the diff engine: only the enabled user without MFA is a finding, after an account is disabled too.
        entra.get(FakeEntra.idOf(1)).withoutMfa().accountEnabled(false);
        entra.user("d1000000-0000-4000-8000-000000000004", "newdisabled@contoso.onmicrosoft.com").withoutMfa().accountEnabled(false);
        Snapshot second = monitor.snapshot(fixture.after(snapshot));
        List<ChangeEvent> events = diff(snapshot, second);

        assertThat(events).extracting(ChangeEvent::type).doesNotContain(EventType.MFA_DISABLED, EventType.NEW_ACCOUNT_WITHOUT_MFA);
        assertThat(byName(second).get("user1@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(byName(second).get("newdisabled@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
    }

    @Test
    void aRowInOnlyOneOfReportAndUsersIsUnknownNeverGuessed() throws Exception {
        entra.users(2);
        entra.user("u0000000-0000-4000-8000-000000000001", "deleted@contoso.onmicrosoft.com").withoutMfa().inUsers(false).inReport(true);
        entra.user("u0000000-0000-4000-8000-000000000002", "notreported@contoso.onmicrosoft.com").withMfa().inReport(false);

        Map<String, Account> accounts = byName(fixture.monitor().snapshot(fixture.first()));

        assertThat(accounts.get("deleted@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.UNKNOWN);
        assertThat(accounts.get("notreported@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.UNKNOWN);
        assertThat(accounts.get("user1@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.ENABLED);
    }

    @Test
    void aGuestIsOfKindGuest() throws Exception {
        entra.users(1);
        entra.user("g0000000-0000-4000-8000-000000000001", "partner_fabrikam.com#EXT#@contoso.onmicrosoft.com").withoutMfa().guest();

        Map<String, Account> accounts = byName(fixture.monitor().snapshot(fixture.first()));

        Account guest = accounts.get("partner_fabrikam.com#EXT#@contoso.onmicrosoft.com");
        assertThat(guest.kind()).isEqualTo("guest");
        assertThat(guest.mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get("user1@contoso.onmicrosoft.com").kind()).isEqualTo("member");
    }

    @Test
    void anAdminWithoutMfaIsCritical() throws Exception {
        entra.users(3);
        entra.get(FakeEntra.idOf(1)).admin(true);
        EntraMonitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());
        assertThat(byName(first).get("user1@contoso.onmicrosoft.com").facts()).containsEntry("role", "admin");

        entra.get(FakeEntra.idOf(1)).withoutMfa();
        entra.user("a0000000-0000-4000-8000-000000000001", "newadmin@contoso.onmicrosoft.com").withoutMfa().admin(true);
        entra.get(FakeEntra.idOf(2)).withoutMfa();
        Snapshot second = monitor.snapshot(fixture.after(first));
        List<ChangeEvent> events = diff(first, second);

        assertThat(events).filteredOn(e -> e.type() == EventType.MFA_DISABLED)
                .extracting(e -> e.account().orElseThrow().name(), ChangeEvent::severity)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("user1@contoso.onmicrosoft.com", Severity.CRITICAL),
                        org.assertj.core.groups.Tuple.tuple("user2@contoso.onmicrosoft.com", Severity.HIGH));
        assertThat(events).filteredOn(e -> e.type() == EventType.NEW_ACCOUNT_WITHOUT_MFA)
                .extracting(e -> e.account().orElseThrow().name(), ChangeEvent::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("newadmin@contoso.onmicrosoft.com", Severity.CRITICAL));
    }

    @Test
    void phoneOrEmailOnlyIsWeakMfaAndRaisesWeakMfa() throws Exception {
        entra.user("s0000000-0000-4000-8000-000000000001", "sms@contoso.onmicrosoft.com").methods("mobilePhone");
        entra.user("s0000000-0000-4000-8000-000000000002", "phones@contoso.onmicrosoft.com").methods("mobilePhone", "officePhone", "email");
        entra.user("s0000000-0000-4000-8000-000000000003", "mixed@contoso.onmicrosoft.com").methods("mobilePhone", "microsoftAuthenticatorPush");
        entra.user("s0000000-0000-4000-8000-000000000004", "fido@contoso.onmicrosoft.com").methods("fido2");
        EntraMonitor monitor = fixture.monitor();

        Snapshot first = monitor.snapshot(fixture.first());
        Map<String, Account> accounts = byName(first);

        assertThat(accounts.get("sms@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(accounts.get("sms@contoso.onmicrosoft.com").facts()).contains(entry("weakMfa", "true"), entry("methods", "mobilePhone"));
        assertThat(accounts.get("phones@contoso.onmicrosoft.com").facts()).containsEntry("weakMfa", "true");
        assertThat(accounts.get("mixed@contoso.onmicrosoft.com").facts()).doesNotContainKey("weakMfa");
        assertThat(accounts.get("fido@contoso.onmicrosoft.com").facts()).doesNotContainKey("weakMfa");

        // A full scan (the weak flag of an enabled account is read by full scans) after fido's owner fell back to SMS.
        entra.get("s0000000-0000-4000-8000-000000000004").methods("mobilePhone");
        Snapshot second = monitor.snapshot(fixture.first());
        assertThat(diff(first, second)).filteredOn(e -> e.type() == EventType.WEAK_MFA)
                .extracting(e -> e.account().orElseThrow().name()).containsExactly("fido@contoso.onmicrosoft.com");
    }

    @Test
    void mfaFieldCapableAlsoNeedsTheMethodAllowedByPolicy() throws Exception {
        entra.user("c0000000-0000-4000-8000-000000000001", "notallowed@contoso.onmicrosoft.com").withMfa().mfaCapable(false);
        entra.users(1);

        assertThat(byName(fixture.monitor().snapshot(fixture.first())).get("notallowed@contoso.onmicrosoft.com").mfa())
                .isEqualTo(MfaStatus.ENABLED);
        Snapshot capable = fixture.monitor(Map.of("mfaField", "capable")).snapshot(fixture.first());
        assertThat(byName(capable).get("notallowed@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(capable.facts()).containsEntry("mfaField", "capable");
    }

    @Test
    void securityDefaultsSwitchedOffIsRequirementDisabled() throws Exception {
        entra.users(2);
        entra.securityDefaults(true);
        EntraMonitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());
        assertThat(first.requirements()).containsEntry(EntraMonitor.SECURITY_DEFAULTS, MfaStatus.ENABLED)
                .containsEntry(EntraMonitor.CONDITIONAL_ACCESS, MfaStatus.DISABLED);

        entra.securityDefaults(false);
        Snapshot second = monitor.snapshot(fixture.after(first));
        List<ChangeEvent> events = diff(first, second);

        assertThat(second.requirements()).containsEntry(EntraMonitor.SECURITY_DEFAULTS, MfaStatus.DISABLED);
        assertThat(events).filteredOn(e -> e.type() == EventType.REQUIREMENT_DISABLED).hasSize(1)
                .allSatisfy(e -> assertThat(e.detail()).contains("security defaults enabled"));
    }

    @Test
    void anEnabledConditionalAccessPolicyForAllUsersCountsAndReportOnlyDoesNot() throws Exception {
        entra.users(2);
        entra.securityDefaults(false);
        entra.conditionalAccessPolicies(List.of(FakeEntra.mfaForAllUsersPolicy("Require MFA for everyone", "enabled")));
        EntraMonitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());
        assertThat(first.requirements()).containsEntry(EntraMonitor.CONDITIONAL_ACCESS, MfaStatus.ENABLED);
        assertThat(first.facts()).containsEntry("mfaPolicy", "Require MFA for everyone");

        entra.conditionalAccessPolicies(List.of(
                FakeEntra.mfaForAllUsersPolicy("Require MFA for everyone", "enabledForReportingButNotEnforced")));
        Snapshot second = monitor.snapshot(fixture.after(first));

        assertThat(second.requirements()).containsEntry(EntraMonitor.CONDITIONAL_ACCESS, MfaStatus.DISABLED);
        assertThat(diff(first, second)).filteredOn(e -> e.type() == EventType.REQUIREMENT_DISABLED).hasSize(1);
    }

    @Test
    void withoutPolicyReadAllTheRequirementsAreUnknownAndTheAccountsStillMonitored() throws Exception {
        entra.users(2);
        entra.user("n0000000-0000-4000-8000-000000000001", "nomfa@contoso.onmicrosoft.com").withoutMfa();
        entra.revoke(FakeEntra.POLICY_READ_ALL);
        EntraMonitor monitor = fixture.monitor();

        Snapshot first;
        Snapshot second;
        List<String> lines;
        try (dev.mfamonitor.testkit.LogCapture log = dev.mfamonitor.testkit.LogCapture.start()) {
            first = monitor.snapshot(fixture.first());
            second = monitor.snapshot(fixture.after(first));
            lines = log.lines();
        }

        assertThat(lines).filteredOn(l -> l.contains("Policy.Read.All"))
                .as("the missing permission is said once, not on every scan").hasSize(1)
                .allSatisfy(l -> assertThat(l).startsWith("WARN").contains("entra-contoso"));
        assertThat(first.requirements()).containsOnly(entry(EntraMonitor.SECURITY_DEFAULTS, MfaStatus.UNKNOWN),
                entry(EntraMonitor.CONDITIONAL_ACCESS, MfaStatus.UNKNOWN));
        assertThat(first.facts().get("requirementsUnknown")).contains("Policy.Read.All");
        assertThat(first.accounts()).hasSize(3);
        assertThat(byName(second).get("nomfa@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.DISABLED);
    }

    private static List<ChangeEvent> diff(Snapshot before, Snapshot after) {
        MonitorState state = States.after(before);
        return new DiffEngine(Policy.defaults()).diff("entra-contoso", state, after, after.observedAt(), false).events();
    }

    @SuppressWarnings("unused")
    private static Set<String> names(Snapshot snapshot) {
        return snapshot.accounts().stream().map(Account::name).collect(Collectors.toSet());
    }
}
