package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state file written by the release before SPI 2 (schema 1) is read and migrated: every snapshot and every pending
 * delivery is kept, nothing is re-baselined, and the first commit writes schema 2.
 */
class StateMigrationTest {

    @TempDir
    Path directory;

    /**
     * state-v1.json was written by the last release of schema 1 from its contract's rich state. It must stay
     * readable; never regenerate it. Its entry of no notifier ({@code "deliveries": {}}) was settled in schema 1 and is
     * dropped.
     */
    @Test
    void theGoldenSchemaOneFileIsReadMigratedAndRewrittenAsSchemaTwo() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Files.writeString(file, FileStateStoreTest.v1Golden());
        FileStateStore store = new FileStateStore(file);

        StoredState loaded = store.load();

        assertThat(loaded).isEqualTo(goldenV1State());
        assertThat(loaded.firstRun()).isFalse();
        assertThat(Files.readString(file)).as("loading changed nothing").isEqualTo(FileStateStoreTest.v1Golden());

        try (StateStore.Lock lock = store.lock()) {
            assertThat(store.load()).isEqualTo(goldenV1State());
            store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of()));
        }
        assertThat(Files.readString(file)).startsWith("{\"schemaVersion\":2,\"generation\":\"");
        assertThat(new FileStateStore(file).load()).isEqualTo(goldenV1State());
    }

    @Test
    void pendingDeliveriesForTwoNotifiersSurviveLoadCommitAndLoad() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        String v1 = FileStateStoreTest.resource("state-v1-pending.json");
        Files.writeString(file, v1);
        FileStateStore store = new FileStateStore(file);

        StoredState loaded = store.load();

        assertThat(loaded).isEqualTo(pendingV1State());
        assertThat(pendingFor(loaded, "slack")).containsExactly("1ccbdc86b70e7ea61ee86f90cebb753f",
                "c8b353c553913a38fb9b762fc37b3ba1", "5d451dc7527517b3684399713b1edea3", "423412e9b34712be2b6179270e205de3");
        assertThat(pendingFor(loaded, "webhook")).containsExactly("c8b353c553913a38fb9b762fc37b3ba1",
                "60ec459c8757114cad966d9bef5829aa");
        ChangeEvent abandoned = loaded.outbox().get(2).event();
        assertThat(abandoned.monitorId()).isEmpty();
        assertThat(abandoned.notifierId()).contains("webhook");
        EventType newer = loaded.outbox().get(4).event().type();
        assertThat(newer.name()).isEqualTo("PASSKEY_REMOVED");
        assertThat(newer.defaultSeverity()).isEqualTo(Severity.LOW);

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of()));
        }

        StoredState again = new FileStateStore(file).load();
        assertThat(again).isEqualTo(pendingV1State());
        assertThat(Files.readString(file)).startsWith("{\"schemaVersion\":2,");
    }

    @Test
    void deliveriesMarkedBeforeTheFirstCommitAreKeptAndTheSchemaOneFileIsNotRewrittenByThem() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        String v1 = FileStateStoreTest.resource("state-v1-pending.json");
        Files.writeString(file, v1);
        FileStateStore store = new FileStateStore(file);
        Delivery delivered = new Delivery(Delivery.State.DELIVERED, 3, Optional.of(Instant.parse("2026-11-29T06:00:00Z")),
                Optional.empty());
        DeliveryMark mark = new DeliveryMark("1ccbdc86b70e7ea61ee86f90cebb753f", "slack", delivered);
        List<OutboxEntry> outbox = new ArrayList<>(pendingV1State().outbox());
        outbox.set(0, outbox.get(0).with("slack", delivered));
        StoredState expected = new StoredState(pendingV1State().monitors(), outbox);

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.mark(List.of(mark));
        }
        assertThat(Files.readString(file)).isEqualTo(v1);
        assertThat(new FileStateStore(file).load()).isEqualTo(expected);

        Files.writeString(file, v1.replace("\"detail\" : \"SMS\"", "\"detail\" : \"SMS!\""));
        assertThat(new FileStateStore(file).load().outbox().get(0))
                .as("the journal belongs to the file it was written for, not to another schema-1 file put in its place")
                .isEqualTo(pendingV1State().outbox().get(0));
        Files.writeString(file, v1);

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of()));
        }
        assertThat(directory.resolve("mfa-state.json.journal")).doesNotExist();
        assertThat(new FileStateStore(file).load()).isEqualTo(expected);
    }

    @Test
    void entryIdsOfSchemaOneEntriesHashTheirEventIdAndCreationTime() {
        assertThat(StateFileV1.entryId("f4e58d816a50ad37ff12cf6a2bd5fed7", Instant.parse("2024-05-01T12:00:01Z")))
                .isEqualTo("76e64db76de5ec0f34a1f24b5e7a7d3a");
        assertThat(StateFileV1.entryId("f4e58d816a50ad37ff12cf6a2bd5fed7", Instant.parse("2024-05-01T12:00:01.000000001Z")))
                .isNotEqualTo("76e64db76de5ec0f34a1f24b5e7a7d3a");
    }

    private static List<String> pendingFor(StoredState state, String notifier) {
        return state.outbox().stream()
                .filter(e -> e.deliveries().containsKey(notifier) && e.deliveries().get(notifier).state() == Delivery.State.PENDING)
                .map(OutboxEntry::id).toList();
    }

    /** What state-v1-pending.json holds, in the model of SPI 2. */
    static StoredState pendingV1State() {
        Instant observed = Instant.parse("2026-11-28T06:00:00Z");
        Instant created = Instant.parse("2026-11-28T06:00:01Z");
        Account bob = new Account("arn:aws:iam::123456789012:user/bob@2021-03-04T05:06:07Z", "bob", "iam-user",
                MfaStatus.DISABLED, "123456789012", Map.of("consoleAccess", "true"));
        Account mallory = new Account("2001", "mallory", "member", MfaStatus.DISABLED, "", Map.of("role", "admin"));
        Account trent = new Account("2002", "trent", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true"));
        Map<String, MonitorState> monitors = Map.of(
                "aws-prod", new MonitorState(Optional.of(Snapshot.of("aws", observed, List.of(bob))), 0, Optional.empty(),
                        Map.of(bob.id(), observed)),
                "github-acme", new MonitorState(Optional.of(new Snapshot("github", observed, List.of(mallory, trent),
                        Map.of("organization requires 2FA", MfaStatus.DISABLED), Map.of(), List.of())), 0, Optional.empty(),
                        Map.of("2001", observed)));
        ChangeEvent disabled = new ChangeEvent("6f0c1d2e3a4b5c6d7e8f901a2b3c4d5e", EventType.MFA_DISABLED, Severity.CRITICAL,
                "github-acme", "github", Optional.of(mallory), Optional.of(MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED),
                observed, "owner lost 2FA", Optional.empty(), List.of());
        ChangeEvent arrived = new ChangeEvent("7a1b2c3d4e5f60718293a4b5c6d7e8f9", EventType.NEW_ACCOUNT_WITHOUT_MFA,
                Severity.HIGH, "aws-prod", "aws", Optional.of(bob), Optional.empty(), Optional.of(MfaStatus.DISABLED),
                observed, "", Optional.empty(), List.of());
        ChangeEvent abandoned = new ChangeEvent("8b2c3d4e5f6071829304b5c6d7e8f90a", EventType.DELIVERY_ABANDONED,
                Severity.HIGH, "", "mfa-monitor", Optional.empty(), Optional.empty(), Optional.empty(), observed,
                "1 event(s) for notifier 'webhook' could not be delivered within 72h and were abandoned",
                Optional.of("webhook"), List.of());
        ChangeEvent weak = new ChangeEvent("9c3d4e5f60718293a4b5c6d7e8f90a1b", EventType.WEAK_MFA, Severity.MEDIUM,
                "github-acme", "github", Optional.of(trent), Optional.empty(), Optional.of(MfaStatus.ENABLED), observed,
                "SMS", Optional.empty(), List.of());
        ChangeEvent newer = new ChangeEvent("ad4e5f60718293a4b5c6d7e8f90a1b2c",
                EventType.restore("PASSKEY_REMOVED", "PASSKEY_REMOVED", Severity.LOW, false), Severity.LOW, "github-acme",
                "github", Optional.empty(), Optional.empty(), Optional.empty(), observed,
                "raised by a newer release of schema 1", Optional.empty(), List.of());
        Delivery fresh = Delivery.NEW;
        List<OutboxEntry> outbox = List.of(
                new OutboxEntry("1ccbdc86b70e7ea61ee86f90cebb753f", disabled, created, Map.of(
                        "slack", new Delivery(Delivery.State.PENDING, 2, Optional.of(Instant.parse("2026-11-28T06:10:01Z")),
                                Optional.of("Slack answered 503")),
                        "webhook", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(Instant.parse("2026-11-28T06:00:02Z")),
                                Optional.empty()))),
                new OutboxEntry("c8b353c553913a38fb9b762fc37b3ba1", arrived, created, Map.of(
                        "slack", fresh,
                        "webhook", new Delivery(Delivery.State.PENDING, 5, Optional.of(Instant.parse("2026-11-28T07:00:01Z")),
                                Optional.of("HTTP 502")))),
                new OutboxEntry("5d451dc7527517b3684399713b1edea3", abandoned, created, Map.of(
                        "slack", fresh, "webhook", new Delivery(Delivery.State.ABANDONED, 0, Optional.empty(), Optional.empty()))),
                new OutboxEntry("423412e9b34712be2b6179270e205de3", weak, created, Map.of(
                        "slack", new Delivery(Delivery.State.PENDING, 1, Optional.empty(), Optional.of("timeout")))),
                new OutboxEntry("60ec459c8757114cad966d9bef5829aa", newer, created, Map.of("webhook", fresh)));
        return new StoredState(monitors, outbox);
    }

    /** What state-v1.json holds, in the model of SPI 2. */
    static StoredState goldenV1State() {
        Instant observed = Instant.parse("2024-05-01T12:00:00.123456789Z");
        Account slackHostile = new Account("1001", "<!channel> & <@U123>", "member", MfaStatus.DISABLED, "",
                Map.of("role", "admin", "note", "\"quote\n\"\ttab \\ backslash"));
        Account unicode = new Account("1002", "José Müller 🔐 \u202Eevil", "outside-collaborator", MfaStatus.ENABLED);
        Account control = new Account("1003", "\"quote\n\"", "member", MfaStatus.UNKNOWN, "",
                Map.of("weird key \u0000 . $", "${env:HOME}", "empty", ""));
        Account emptyName = new Account("1004", "", "member", MfaStatus.NOT_APPLICABLE);
        Snapshot github = new Snapshot("github", observed, List.of(slackHostile, unicode, control, emptyName),
                Map.of("organization requires 2FA", MfaStatus.DISABLED, "enterprise requires 2FA", MfaStatus.UNKNOWN),
                Map.of("plan", "enterprise", "members", "4"), List.of());
        Account iamUser = new Account("arn:aws:iam::123456789012:user/alice@2020-01-02T03:04:05Z", "alice",
                "iam-user", MfaStatus.DISABLED, "123456789012",
                Map.of("consoleAccess", "true", "lastUsed", "2024-04-30T08:00:00Z", "weakMfa", "false"));
        Account root = new Account("arn:aws:iam::123456789012:root", "<root>", "root", MfaStatus.ENABLED,
                "123456789012", Map.of("mfaDevice", "hardware"));
        Snapshot aws = new Snapshot("aws", Instant.parse("2024-05-01T11:58:00Z"), List.of(root, iamUser),
                Map.of(), Map.of("reportGeneratedAt", "2024-05-01T11:50:00Z"),
                List.of(new Gap("210987654321", "could not assume role MfaMonitorReadOnly: AccessDenied"),
                        new Gap(Gap.WHOLE_SOURCE, "line one\nline two \"quoted\"")));
        Snapshot emptySource = Snapshot.of("inventory", Instant.parse("2023-12-31T23:59:59Z"), List.of());
        Map<String, MonitorState> monitors = Map.of(
                "github-acme", new MonitorState(Optional.of(github), 0, Optional.empty(),
                        Map.of("1001", Instant.parse("2024-04-24T12:00:00Z"), "1003", observed)),
                "aws/prod.eu", new MonitorState(Optional.of(aws), 2, Optional.of("GitHub answered 502 \"Bad gateway\""),
                        Map.of()),
                "never-worked", new MonitorState(Optional.empty(), 5, Optional.of("connect timed out\nafter 30s"),
                        Map.of()),
                "inventory-📋", new MonitorState(Optional.of(emptySource), 0, Optional.empty(), Map.of()));

        Instant at = Instant.parse("2024-05-01T12:00:01Z");
        ChangeEvent disabled = new ChangeEvent("f4e58d816a50ad37ff12cf6a2bd5fed7", EventType.MFA_DISABLED, Severity.CRITICAL,
                "github-acme", "github", Optional.of(slackHostile), Optional.of(MfaStatus.ENABLED),
                Optional.of(MfaStatus.DISABLED), observed, "owner <!here> lost 2FA", Optional.empty(), List.of());
        ChangeEvent failed = new ChangeEvent("08fc4d14016cf3832dfe2653c2a5dd3a", EventType.MONITOR_FAILED, Severity.MEDIUM,
                "never-worked", "github", Optional.empty(), Optional.empty(), Optional.empty(), at, "", Optional.empty(),
                List.of());
        ChangeEvent removed = new ChangeEvent("e-4", EventType.ACCOUNT_REMOVED, Severity.INFO, "github-acme", "github",
                Optional.of(unicode), Optional.of(MfaStatus.ENABLED), Optional.empty(), at, "José left", Optional.empty(),
                List.of());
        List<OutboxEntry> outbox = List.of(
                new OutboxEntry("76e64db76de5ec0f34a1f24b5e7a7d3a", disabled, at, Map.of(
                        "security-slack", Delivery.NEW,
                        "siem", new Delivery(Delivery.State.PENDING, 3, Optional.of(at.plusSeconds(60)),
                                Optional.of("HTTP 503 \"Service Unavailable\"\nretry later")),
                        "pager", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(at.plusMillis(250)), Optional.empty()),
                        "email", new Delivery(Delivery.State.ABANDONED, 12, Optional.of(at.plusSeconds(259_200)),
                                Optional.of("550 mailbox unavailable")))),
                new OutboxEntry("d0c5ac24dc863864239b7581b6e6f116", failed, at.plusNanos(1), Map.of("security-slack", Delivery.NEW)),
                new OutboxEntry("187dfb8562aad2b8309285d364eace04", removed, at, Map.of("siem", new Delivery(Delivery.State.PENDING, 1,
                        Optional.empty(), Optional.of("connection reset")))));
        return new StoredState(monitors, outbox);
    }
}
