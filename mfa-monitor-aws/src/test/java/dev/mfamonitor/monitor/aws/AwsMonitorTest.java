package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.testkit.States;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.aws.AwsError;
import dev.mfamonitor.testkit.aws.FakeAwsServer;
import dev.mfamonitor.testkit.aws.FakeIamUser;
import dev.mfamonitor.testkit.aws.FakeIamUser.Mfa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real AWS SDK against the fake IAM/STS/Organizations endpoint on loopback. */
class AwsMonitorTest {
    static final String MGMT = "111111111111";
    static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");
    static final String SECRET_CANARY = "canary-base-secret-4f9d2c";

    FakeAwsServer fake;
    final TestContext context = TestContext.at("aws-test", Instant.now()).withSecretValues(SECRET_CANARY);

    @BeforeEach
    void start() throws Exception {
        fake = FakeAwsServer.start(MGMT);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    Snapshot scan(Map<String, Object> extra) throws Exception {
        return scan(extra, Duration.ofMinutes(1));
    }

    Snapshot scan(Map<String, Object> extra, Duration deadline) throws Exception {
        try (AwsMonitor monitor = monitor(extra)) {
            return monitor.snapshot(new ScanRequest(Optional.empty(), true, Deadline.after(deadline, context.nanoTime())));
        }
    }

    AwsMonitor monitor(Map<String, Object> extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("endpoint", fake.endpoint().toString());
        values.put("accessKeyId", "AKIDTEST");
        values.put("secretAccessKey", "${env:AWS_SECRET}");
        values.putAll(extra);
        YamlPluginConfig config = new YamlPluginConfig("monitor", "aws-test", "aws", values, Path.of("."),
                name -> name.equals("AWS_SECRET") ? SECRET_CANARY : null);
        AwsMonitor monitor = new AwsMonitorProvider().create(config, context);
        config.requireAllUsed();
        return monitor;
    }

    static Map<String, Account> byName(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::name, a -> a));
    }

    @Test
    void pollsTheReportUntilCompleteThenReadsEveryUserInThreeCallsPlusPolls() throws Exception {
        fake.managementAccount().reportNeedsPolls(3)
                .addUser(FakeIamUser.console("alice", T0, Mfa.HARDWARE))
                .addUser(FakeIamUser.console("bob", T0, Mfa.NONE));

        Snapshot snapshot = scan(Map.of());

        assertThat(fake.callCounts()).isEqualTo(Map.of("GenerateCredentialReport", 4, "GetCredentialReport", 1,
                "ListVirtualMFADevices", 1));
        Map<String, Account> accounts = byName(snapshot);
        assertThat(accounts.keySet()).containsExactlyInAnyOrder("alice", "bob", "root (111111111111)");
        Account alice = accounts.get("alice");
        assertThat(alice.id()).isEqualTo("arn:aws:iam::111111111111:user/alice@2020-01-01T00:00:00+00:00");
        assertThat(alice.kind()).isEqualTo("iam-user");
        assertThat(alice.mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(alice.scope()).isEqualTo(MGMT);
        assertThat(alice.facts()).containsEntry("mfaDevice", "hardware").containsEntry("consoleAccess", "true");
        assertThat(accounts.get("bob").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(snapshot.service()).isEqualTo("aws");
        assertThat(snapshot.complete()).isTrue();
    }

    @Test
    void theReportTimeIsTheSnapshotTimeAndAFact() throws Exception {
        Instant generated = Instant.parse("2026-11-29T06:30:00Z");
        fake.managementAccount().reportGeneratedAt(generated);

        Snapshot snapshot = scan(Map.of());

        assertThat(snapshot.observedAt()).isEqualTo(generated);
        assertThat(snapshot.facts()).isEqualTo(Map.of("reportGeneratedAt.111111111111", "2026-11-29T06:30:00Z"));
    }

    @Test
    void rootWithoutMfaIsAFindingAndWithHardwareMfaIsNot() throws Exception {
        fake.managementAccount().root("not_supported", Mfa.NONE, false);
        Account without = byName(scan(Map.of())).get("root (111111111111)");
        assertThat(without.id()).isEqualTo("arn:aws:iam::111111111111:root");
        assertThat(without.kind()).isEqualTo("root");
        assertThat(without.mfa()).isEqualTo(MfaStatus.DISABLED);

        fake.managementAccount().root("not_supported", Mfa.HARDWARE, false);
        Account with = byName(scan(Map.of())).get("root (111111111111)");
        assertThat(with.mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(with.facts()).containsEntry("mfaDevice", "hardware").doesNotContainKey("weakMfa");
    }

    @Test
    void aRootWithOnlyAVirtualDeviceHasMfaMarkedWeak() throws Exception {
        fake.managementAccount().root("not_supported", Mfa.VIRTUAL, false)
                .addUser(FakeIamUser.console("vera", T0, Mfa.VIRTUAL));

        Map<String, Account> accounts = byName(scan(Map.of()));

        Account root = accounts.get("root (111111111111)");
        assertThat(root.mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(root.facts()).containsEntry("mfaDevice", "virtual").containsEntry("weakMfa", "true");
        assertThat(accounts.get("vera").facts()).containsEntry("mfaDevice", "virtual").doesNotContainKey("weakMfa");
    }

    @Test
    void aRootWithoutPasswordAndKeysIsNotApplicableButWithAnActiveKeyItIsAFinding() throws Exception {
        fake.managementAccount().root("false", Mfa.NONE, false);
        assertThat(byName(scan(Map.of())).get("root (111111111111)").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);

        fake.managementAccount().root("false", Mfa.NONE, true);
        assertThat(byName(scan(Map.of())).get("root (111111111111)").mfa()).isEqualTo(MfaStatus.DISABLED);
    }

    @Test
    void aUserWithoutAConsolePasswordIsNotApplicableUnlessScopeIsAll() throws Exception {
        fake.managementAccount().addUser(FakeIamUser.programmatic("ci-deploy", T0));

        Account byDefault = byName(scan(Map.of())).get("ci-deploy");
        assertThat(byDefault.mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(byDefault.facts()).containsEntry("consoleAccess", "false").containsEntry("activeAccessKeys", "1")
                .containsEntry("accessKeyLastUsed", "2026-11-28T10:00:00+00:00");

        assertThat(byName(scan(Map.of("scope", "all"))).get("ci-deploy").mfa()).isEqualTo(MfaStatus.DISABLED);
    }

    @Test
    void aUserDeletedAndRecreatedUnderTheSameNameIsANewAccount() throws Exception {
        fake.managementAccount().addUser(FakeIamUser.console("carol", T0, Mfa.HARDWARE));
        String before = byName(scan(Map.of())).get("carol").id();

        fake.managementAccount().removeUser("carol").addUser(FakeIamUser.console("carol", Instant.parse("2026-11-01T09:00:00Z"), Mfa.NONE));
        String after = byName(scan(Map.of())).get("carol").id();

        assertThat(before).isEqualTo("arn:aws:iam::111111111111:user/carol@2020-01-01T00:00:00+00:00");
        assertThat(after).isEqualTo("arn:aws:iam::111111111111:user/carol@2026-11-01T09:00:00+00:00");
    }

    @Test
    void quotedFieldsCrlfAndAByteOrderMarkAreRead() throws Exception {
        String header = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,"
                + "access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date";
        fake.managementAccount().rawReport("\uFEFF" + header + "\r\n"
                + "<root_account>,arn:aws:iam::111111111111:root,2015-03-01T10:00:00+00:00,not_supported,N/A,TRUE,false,N/A,false,N/A\r\n"
                + "\"ops,admin\",\"arn:aws:iam::111111111111:user/ops,admin\",2021-02-03T04:05:06+00:00,\"true\",no_information,\"False\",false,N/A,false,N/A\r\n");

        Map<String, Account> accounts = byName(scan(Map.of("deviceTypes", false)));

        assertThat(accounts.keySet()).containsExactlyInAnyOrder("ops,admin", "root (111111111111)");
        assertThat(accounts.get("ops,admin").id()).isEqualTo("arn:aws:iam::111111111111:user/ops,admin@2021-02-03T04:05:06+00:00");
        assertThat(accounts.get("ops,admin").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get("root (111111111111)").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(accounts.get("root (111111111111)").facts()).doesNotContainKey("mfaDevice");
        assertThat(fake.calls("ListVirtualMFADevices")).isZero();
    }

    @Test
    void aMissingColumnFailsTheSnapshot() {
        fake.managementAccount().rawReport("user,arn,user_creation_time,password_enabled,password_last_used,"
                + "access_key_1_active,access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date\n"
                + "<root_account>,arn:aws:iam::111111111111:root,2015-03-01T10:00:00+00:00,not_supported,N/A,false,N/A,false,N/A\n");

        assertThatThrownBy(() -> scan(Map.of()))
                .isInstanceOf(AwsMonitorException.class)
                .hasMessageStartingWith("monitor 'aws-test': cannot read the credential report of the account of the monitor's "
                        + "credentials: the credential report has no column mfa_active (columns: ");
    }

    @Test
    void anUnknownValueFailsTheSnapshotRatherThanBeingGuessed() {
        fake.managementAccount().rawReport(dev.mfamonitor.testkit.aws.FakeAwsAccount.REPORT_HEADER + "\n"
                + "<root_account>,arn:aws:iam::111111111111:root,2015-03-01T10:00:00+00:00,not_supported,N/A,not_supported,"
                + "not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
                + "dave,arn:aws:iam::111111111111:user/dave,2021-02-03T04:05:06+00:00,true,N/A,N/A,N/A,maybe,false,N/A,"
                + "N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");

        assertThatThrownBy(() -> scan(Map.of()))
                .isInstanceOf(AwsMonitorException.class)
                .hasMessageContaining("the credential report's line 3 has 'maybe' in column mfa_active, expected true or false");
    }

    @Test
    void accessDeniedNamesTheMissingAction() {
        fake.managementAccount().deny("GenerateCredentialReport");

        assertThatThrownBy(() -> scan(Map.of()))
                .isInstanceOf(AwsMonitorException.class)
                .hasMessage("monitor 'aws-test': AWS denied iam:GenerateCredentialReport in the account of the monitor's "
                        + "credentials (403 AccessDenied 'User: arn:aws:iam::111111111111:user/mfa-monitor is not authorized "
                        + "to perform: iam:GenerateCredentialReport on resource: *'): allow iam:GenerateCredentialReport for the "
                        + "monitor's identity; the module README gives the least-privilege policy");
    }

    @Test
    void accessDeniedOnTheDeviceListNamesThatAction() {
        fake.managementAccount().deny("ListVirtualMFADevices");

        assertThatThrownBy(() -> scan(Map.of()))
                .hasMessageContaining("AWS denied iam:ListVirtualMFADevices in the account of the monitor's credentials");
    }

    @Test
    void throttlingAndLimitsAreRetriedUntilTheyClear() throws Exception {
        fake.managementAccount().failNext("GenerateCredentialReport", AwsError.THROTTLING, 2)
                .failNext("GenerateCredentialReport", AwsError.LIMIT_EXCEEDED, 1)
                .failNext("ListVirtualMFADevices", AwsError.SERVICE_FAILURE, 1)
                .addUser(FakeIamUser.console("erin", T0, Mfa.HARDWARE));

        Snapshot snapshot = scan(Map.of());

        assertThat(byName(snapshot).get("erin").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(fake.callCounts()).isEqualTo(Map.of("GenerateCredentialReport", 4, "GetCredentialReport", 1,
                "ListVirtualMFADevices", 2));
    }

    @Test
    void throttlingThatOutlastsTheDeadlineFailsWithAMessageInsteadOfWaiting() {
        fake.managementAccount().failNext("GenerateCredentialReport", AwsError.THROTTLING, 1000);

        assertThatThrownBy(() -> scan(Map.of(), Duration.ofMillis(300)))
                .isInstanceOf(AwsMonitorException.class)
                .hasMessageStartingWith("monitor 'aws-test': AWS answered 400 Throttling 'Rate exceeded' to "
                        + "iam:GenerateCredentialReport in the account of the monitor's credentials; gave up after ")
                .hasMessageContaining("because waiting longer would pass the run's deadline");
    }

    @Test
    void anExpiredOrMissingReportIsGeneratedAgain() throws Exception {
        fake.managementAccount().failNext("GetCredentialReport", AwsError.REPORT_EXPIRED, 1)
                .failNext("GetCredentialReport", AwsError.REPORT_NOT_PRESENT, 1);

        Snapshot snapshot = scan(Map.of());

        assertThat(snapshot.accounts()).extracting(Account::kind).containsExactly("root");
        assertThat(fake.calls("GenerateCredentialReport")).isEqualTo(3);
        assertThat(fake.calls("GetCredentialReport")).isEqualTo(3);
    }

    @Test
    void virtualDevicesAreReadInPagesOfAThousandNotPerUser() throws Exception {
        for (int i = 0; i < 2500; i++) {
            fake.managementAccount().addUser(FakeIamUser.console("user" + i, T0, i % 2 == 0 ? Mfa.VIRTUAL : Mfa.HARDWARE));
        }
        fake.managementAccount().addUser(FakeIamUser.console("v-last", T0, Mfa.VIRTUAL));

        Snapshot snapshot = scan(Map.of());

        assertThat(snapshot.accounts()).hasSize(2502);
        assertThat(fake.callCounts()).isEqualTo(Map.of("GenerateCredentialReport", 1, "GetCredentialReport", 1,
                "ListVirtualMFADevices", 2));
        Map<String, Account> accounts = byName(snapshot);
        assertThat(accounts.get("user2498").facts()).containsEntry("mfaDevice", "virtual");
        assertThat(accounts.get("user2499").facts()).containsEntry("mfaDevice", "hardware");
        assertThat(accounts.get("v-last").facts()).containsEntry("mfaDevice", "virtual");
    }

    @Test
    void oneOfThreeAccountsThatCannotBeAssumedIsAGapAndItsUsersAreCarriedOver() throws Exception {
        for (String id : List.of("222222222222", "333333333333", "444444444444")) {
            fake.account(id).addUser(FakeIamUser.console("user-" + id, T0, Mfa.NONE));
        }
        Map<String, Object> config = Map.of("accounts", List.of("arn:aws:iam::222222222222:role/MfaMonitorReadOnly",
                "arn:aws:iam::333333333333:role/MfaMonitorReadOnly", "arn:aws:iam::444444444444:role/MfaMonitorReadOnly"));
        Snapshot first = scan(config);
        assertThat(first.accounts()).hasSize(6);
        assertThat(first.facts().keySet()).containsExactlyInAnyOrder("reportGeneratedAt.222222222222",
                "reportGeneratedAt.333333333333", "reportGeneratedAt.444444444444");

        fake.account("333333333333").denyAssumeRole();
        Snapshot second = scan(config);

        assertThat(second.accounts()).extracting(Account::scope).containsOnly("222222222222", "444444444444").hasSize(4);
        assertThat(second.gaps()).containsExactly(new Gap("333333333333", "AWS denied sts:AssumeRole in account 333333333333 "
                + "(role arn:aws:iam::333333333333:role/MfaMonitorReadOnly) (403 AccessDenied 'User: "
                + "arn:aws:iam::111111111111:user/mfa-monitor is not authorized to perform: sts:AssumeRole on resource: "
                + "arn:aws:iam::333333333333:role/MfaMonitorReadOnly'): allow sts:AssumeRole for the monitor's identity; "
                + "the module README gives the least-privilege policy"));

        // The engine keeps the unseen account's users and reports the gap, instead of reporting them removed.
        DiffEngine.Result diff = new DiffEngine(Policy.defaults()).diff("aws-test",
                States.after(first), second, Instant.now(), false);
        assertThat(diff.accepted().accounts()).hasSize(6);
        assertThat(diff.events()).extracting(e -> e.type()).containsExactly(EventType.MONITOR_FAILED);
    }

    @Test
    void theOrganisationsAccountsAreListedAcrossPagesAndEachRoleAssumed() throws Exception {
        for (int i = 0; i < 22; i++) {
            fake.account(String.format("5000000000%02d", i));
        }
        fake.account("500000000007").denyAssumeRole();

        Snapshot snapshot = scan(Map.of("organization", Map.of("roleName", "MfaMonitorReadOnly"), "concurrency", 3));

        assertThat(fake.calls("ListAccounts")).isEqualTo(2);
        assertThat(fake.calls("AssumeRole")).isEqualTo(23);
        assertThat(snapshot.accounts()).hasSize(22).allMatch(a -> a.kind().equals("root"));
        assertThat(snapshot.accounts()).extracting(Account::scope).contains(MGMT).doesNotContain("500000000007");
        assertThat(snapshot.gaps()).extracting(Gap::scope).containsExactly("500000000007");
    }

    @Test
    void progressCountsTheUsersOfOneAccountAndTheAccountsOfAnOrganisation() throws Exception {
        fake.managementAccount().addUser(FakeIamUser.console("alice", T0, Mfa.HARDWARE))
                .addUser(FakeIamUser.console("bob", T0, Mfa.NONE));
        List<String> single = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (AwsMonitor monitor = monitor(Map.of())) {
            monitor.snapshot(new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(1), context.nanoTime()),
                    (read, unit) -> single.add(read + " " + unit)));
        }
        assertThat(single).containsExactly("3 users");

        for (int i = 0; i < 3; i++) {
            fake.account(String.format("5000000000%02d", i));
        }
        fake.account("500000000001").denyAssumeRole();
        List<String> organisation = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (AwsMonitor monitor = monitor(Map.of("organization", Map.of("roleName", "MfaMonitorReadOnly"), "concurrency", 2))) {
            monitor.snapshot(new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(1), context.nanoTime()),
                    (read, unit) -> organisation.add(read + " " + unit)));
        }
        // The management account and three members; the denied one counts as read (it becomes a gap). Two threads
        // report, so the order of the calls may differ from the order of the counts.
        assertThat(organisation).containsExactlyInAnyOrder("1 of 4 AWS accounts", "2 of 4 AWS accounts", "3 of 4 AWS accounts",
                "4 of 4 AWS accounts");
    }

    @Test
    void anOrganisationThatCannotBeListedFailsTheMonitor() {
        fake.denyOrganization();

        assertThatThrownBy(() -> scan(Map.of("organization", Map.of("roleName", "MfaMonitorReadOnly"))))
                .isInstanceOf(AwsMonitorException.class)
                .hasMessage("monitor 'aws-test' cannot list the organisation's accounts: AWS denied organizations:ListAccounts "
                        + "in the organisation (400 AccessDeniedException 'You don't have permissions to access this resource.'): "
                        + "allow organizations:ListAccounts for the monitor's identity; the module README gives the "
                        + "least-privilege policy. ListAccounts works only from the management account or a delegated administrator");
    }

    @Test
    void whenNoAccountCanBeReadTheMonitorFailsInsteadOfReturningNothing() {
        fake.account("222222222222").denyAssumeRole();

        assertThatThrownBy(() -> scan(Map.of("accounts", List.of("arn:aws:iam::222222222222:role/R"))))
                .isInstanceOf(AwsMonitorException.class)
                .hasMessageStartingWith("monitor 'aws-test' could read none of its 1 accounts; first: AWS denied sts:AssumeRole");
    }

    @Test
    void aSingleRoleIsAssumedWithItsExternalId() throws Exception {
        fake.account("666666666666").addUser(FakeIamUser.console("frank", T0, Mfa.NONE));

        Snapshot snapshot = scan(Map.of("roleArn", "arn:aws:iam::666666666666:role/MfaMonitorReadOnly", "externalId", "ext-1"));

        assertThat(byName(snapshot).get("frank").scope()).isEqualTo("666666666666");
        assertThat(fake.calls("AssumeRole")).isEqualTo(1);
    }

    @Test
    void noCredentialReachesAMessageAGapOrTheSnapshot() throws Exception {
        String sessionCanary = "canary-session-secret-7d1f0c";
        fake.sessionSecret(sessionCanary);
        fake.account("222222222222").deny("GetCredentialReport").addUser(FakeIamUser.console("gina", T0, Mfa.NONE));
        fake.account("333333333333").addUser(FakeIamUser.console("hank", T0, Mfa.NONE));
        fake.account("444444444444").rawReport("not,a,report\n");

        Snapshot snapshot = scan(Map.of("accounts", List.of("arn:aws:iam::222222222222:role/R", "arn:aws:iam::333333333333:role/R",
                "arn:aws:iam::444444444444:role/R")));

        assertThat(snapshot.gaps()).extracting(Gap::scope).containsExactly("222222222222", "444444444444");
        String everything = snapshot.toString() + snapshot.gaps() + snapshot.accounts();
        assertThat(everything).contains("AWS denied iam:GetCredentialReport in account 222222222222")
                .doesNotContain(sessionCanary).doesNotContain(SECRET_CANARY).doesNotContain("FQoGZXIvYXdzE");

        fake.managementAccount().deny("GenerateCredentialReport");
        assertThatThrownBy(() -> scan(Map.of()))
                .satisfies(e -> assertThat(String.valueOf(e.getMessage()) + e).doesNotContain(SECRET_CANARY));
    }
}
