package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour the engine relies on from every {@link StateStore}, ours and third-party.
 *
 * <p>To use it, extend it in the store's own tests and say how to create a store:
 *
 * <pre>{@code
 * class RedisStateStoreContractTest extends StateStoreContract {
 *     @Override
 *     protected StateStore createStore(Path directory) {
 *         return new RedisStateStore(redisUri, "mfa-test-" + directory.getFileName());
 *     }
 * }
 * }</pre>
 *
 * Every test here then runs against that store. Each test gets a fresh, empty temporary directory; every call of
 * {@link #createStore} with the same directory must return a store over the same state and the same lock (as two
 * runs configured alike would), and stores over different directories must not share anything. Stores are closed
 * after each test. Add the store's own tests (crash safety, file modes, its failure messages) beside this class.
 */
public abstract class StateStoreContract {

    @TempDir
    protected Path directory;

    private final List<StateStore> created = new ArrayList<>();

    /**
     * A new store keeping its state in (or keyed by) {@code directory}; called once or more per test.
     *
     * @param directory an empty temporary directory that lives as long as the test
     */
    protected abstract StateStore createStore(Path directory) throws Exception;

    /** A store over this test's directory, closed after the test. */
    protected final StateStore store() throws Exception {
        StateStore store = createStore(directory);
        created.add(store);
        return store;
    }

    @AfterEach
    void closeStores() throws Exception {
        for (StateStore store : created) {
            store.close();
        }
    }

    @Test
    void loadBeforeAnySaveReturnsTheEmptyStateOfAFirstRun() throws Exception {
        assertThat(store().load()).isEqualTo(StoredState.EMPTY);
    }

    @Test
    void loadReturnsExactlyWhatWasSaved() throws Exception {
        StoredState state = richState();
        StateStore store = store();
        StateStore.Lock lock = store.lock();
        try {
            commitWhole(store, state);
            assertThat(store.load()).isEqualTo(state);
        } finally {
            lock.close();
        }
    }

    @Test
    void savedStateOutlivesTheStoreThatWroteIt() throws Exception {
        StoredState state = richState();
        commitWhole(store(), state);

        assertThat(store().load()).isEqualTo(state);
    }

    @Test
    void theLockIsExclusiveAndCanBeTakenAgainAfterItIsReleased() throws Exception {
        StateStore store = store();
        StateStore otherRun = store();

        StateStore.Lock first = store.lock();
        try {
            assertThatThrownBy(store::lock).isInstanceOf(StateLockedException.class);
            assertThatThrownBy(otherRun::lock).isInstanceOf(StateLockedException.class);
        } finally {
            first.close();
        }

        StateStore.Lock again = otherRun.lock();
        try {
            assertThatThrownBy(store::lock).isInstanceOf(StateLockedException.class);
        } finally {
            again.close();
        }
        store.lock().close();
    }

    @Test
    void describeSaysWhereTheStateLivesWithoutBeingBlank() throws Exception {
        assertThat(store().describe()).isNotBlank();
    }

    /**
     * A state that uses every part of the model: several monitors, one never successful and failing, accounts with
     * hostile and non-ASCII names, scopes, facts, requirements, gaps, nanosecond times, and outbox entries whose events
     * have present and absent optional parts and whose deliveries are in every {@link Delivery.State}.
     */
    public static StoredState richState() {
        Instant observed = Instant.parse("2024-05-01T12:00:00.123456789Z");
        Account slackHostile = new Account("1001", "<!channel> & <@U123>", "member", MfaStatus.DISABLED, "",
                Map.of("role", "admin", "note", "\"quote\n\"\ttab \\ backslash"));
        Account unicode = new Account("1002", "José Müller 🔐 \u202Eevil", "outside-collaborator", MfaStatus.ENABLED);
        Account control = new Account("1003", "\"quote\n\"", "member", MfaStatus.UNKNOWN, "",
                Map.of("weird key \u0000 . $", "${env:HOME}", "empty", ""));
        Account emptyName = new Account("1004", "", "member", MfaStatus.NOT_APPLICABLE);
        Snapshot github = new Snapshot("github", observed, List.of(slackHostile, unicode, control, emptyName),
                Map.of("organization requires 2FA", MfaStatus.DISABLED, "enterprise requires 2FA", MfaStatus.UNKNOWN),
                Map.of("plan", "enterprise", "members", "4"),
                List.of());

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
        ChangeEvent disabled = new ChangeEvent(ChangeEvent.idOf("github-acme", "1001", EventType.MFA_DISABLED, observed),
                EventType.MFA_DISABLED, Severity.CRITICAL, "github-acme", "github", Optional.of(slackHostile),
                Optional.of(MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED), observed, "owner <!here> lost 2FA");
        ChangeEvent failed = new ChangeEvent(ChangeEvent.idOf("never-worked", "never-worked", EventType.MONITOR_FAILED, at),
                EventType.MONITOR_FAILED, Severity.MEDIUM, "never-worked", "github", Optional.empty(),
                Optional.empty(), Optional.empty(), at, "");
        ChangeEvent arrived = new ChangeEvent("e-3", EventType.NEW_ACCOUNT_WITHOUT_MFA, Severity.HIGH, "aws/prod.eu", "aws",
                Optional.of(iamUser), Optional.empty(), Optional.of(MfaStatus.DISABLED), at, "new IAM user");
        ChangeEvent removed = new ChangeEvent("e-4", EventType.ACCOUNT_REMOVED, Severity.INFO, "github-acme", "github",
                Optional.of(unicode), Optional.of(MfaStatus.ENABLED), Optional.empty(), at, "José left");

        List<OutboxEntry> outbox = List.of(
                new OutboxEntry("ob_1", disabled, at, Map.of(
                        "security-slack", Delivery.NEW,
                        "siem", new Delivery(Delivery.State.PENDING, 3, Optional.of(at.plusSeconds(60)),
                                Optional.of("HTTP 503 \"Service Unavailable\"\nretry later")),
                        "pager", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(at.plusMillis(250)), Optional.empty()),
                        "email", new Delivery(Delivery.State.ABANDONED, 12, Optional.of(at.plusSeconds(259_200)),
                                Optional.of("550 mailbox unavailable")))),
                new OutboxEntry("ob_2", failed, at.plusNanos(1), Map.of("security-slack", Delivery.NEW)),
                new OutboxEntry("ob_3", arrived, at, Map.of("pager", Delivery.NEW)),
                new OutboxEntry("ob_4", removed, at, Map.of("siem", new Delivery(Delivery.State.PENDING, 1, Optional.empty(),
                        Optional.of("connection reset")))));

        return new StoredState(monitors, outbox);
    }

    /** Stores a whole state into an empty store as one commit. */
    protected static void commitWhole(StateStore store, StoredState state) throws java.io.IOException {
        store.commit(new dev.mfamonitor.spi.state.RunCommit(state.monitors(), state.outbox(), List.of(), java.util.Set.of()));
    }
}
