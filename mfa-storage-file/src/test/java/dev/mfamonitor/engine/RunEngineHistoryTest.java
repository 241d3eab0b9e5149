package dev.mfamonitor.engine;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RetryPolicy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.engine.EngineDoubles.FailingNotifier;
import dev.mfamonitor.engine.EngineDoubles.MutableClock;
import dev.mfamonitor.engine.EngineDoubles.RecordingNotifier;
import dev.mfamonitor.engine.EngineDoubles.ScriptedMonitor;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.History;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.HistoryQuery;
import dev.mfamonitor.spi.state.RunSummary;
import dev.mfamonitor.storage.file.FileStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mfamonitor.engine.EngineDoubles.T0;
import static dev.mfamonitor.engine.EngineDoubles.github;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history the engine records (issue 18), end to end over the real {@link FileStateStore}: every event with when
 * each notifier was told, a summary of each monitor per run, and {@code policy.history} dropping what is older.
 */
class RunEngineHistoryTest {
    private static final String MONITOR = "github-acme";
    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(T0);
    private final List<RunEngine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        engines.forEach(RunEngine::close);
    }

    private static final Account ALICE = new Account("id-1", "alice", "member", MfaStatus.ENABLED);
    private static final Account BOB_ADMIN = new Account("id-2", "bob", "member", MfaStatus.DISABLED, "",
            Map.of("role", "admin"));
    private static final Account CAROL_SMS = new Account("id-3", "carol", "member", MfaStatus.ENABLED, "",
            Map.of("weakMfa", "true"));

    @Test
    void everyRunRecordsItsEventsWithWhenEachNotifierWasToldAndASummaryPerMonitorBoundedByPolicyHistory()
            throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        RecordingNotifier a = new RecordingNotifier();
        FailingNotifier b = new FailingNotifier(1);
        Path stateFile = directory.resolve("state").resolve("mfa-state.json");

        monitor.then(github(clock.instant(), List.of(ALICE, BOB_ADMIN, CAROL_SMS)));
        assertThat(engine(stateFile, Policy.defaults(), monitor, a, b).run().exitCode()).isEqualTo(ExitCode.INCOMPLETE);

        History first = new FileStateStore(stateFile).history(HistoryQuery.ALL);
        assertThat(first.events()).hasSize(1);
        HistoryEntry baseline = first.events().get(0);
        assertThat(baseline.event().type()).isEqualTo(EventType.BASELINE);
        assertThat(baseline.committedAt()).isEqualTo(T0);
        assertThat(baseline.deliveries()).isEqualTo(Map.of(
                "a", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(T0), Optional.empty()),
                "b", new Delivery(Delivery.State.PENDING, 1, Optional.of(T0),
                        Optional.of(FailingNotifier.ERROR + " (1 try; the next run tries again)"))));
        RunSummary run1 = new RunSummary(MONITOR, "github", T0, RunSummary.Health.OK, Optional.empty(), 1, 1, 1, 0, 0, 1);
        assertThat(first.runs()).containsExactly(run1);

        // A day on: alice turns MFA off; b comes back and is told the baseline and the change.
        clock.advance(DAY);
        Instant day1 = clock.instant();
        Account aliceOff = ALICE.withMfa(MfaStatus.DISABLED);
        monitor.then(github(day1, List.of(aliceOff, BOB_ADMIN, CAROL_SMS)));
        assertThat(engine(stateFile, Policy.defaults(), monitor, a, b).run().exitCode()).isEqualTo(ExitCode.OK);

        History second = new FileStateStore(stateFile).history(HistoryQuery.ALL);
        assertThat(second.events()).extracting(e -> e.event().type().name() + " " + e.event().account().map(Account::name)
                .orElse("-")).containsExactly("BASELINE -", "MFA_DISABLED alice");
        assertThat(second.events().get(0).toldAt("b")).as("told in the next run").contains(day1);
        HistoryEntry disabled = second.events().get(1);
        assertThat(disabled.event().previous()).contains(MfaStatus.ENABLED);
        assertThat(disabled.event().current()).contains(MfaStatus.DISABLED);
        assertThat(disabled.toldAt("a")).contains(day1);
        assertThat(disabled.toldAt("b")).contains(day1);
        RunSummary run2 = new RunSummary(MONITOR, "github", day1, RunSummary.Health.OK, Optional.empty(), 0, 1, 2, 0, 0, 1);
        assertThat(second.runs()).containsExactly(run1, run2);

        // Another day on, with policy.history: 1d: the monitor fails; what is older than a day is dropped.
        clock.advance(DAY);
        Instant day2 = clock.instant();
        monitor.thenFail("GitHub answered 502 Bad Gateway");
        assertThat(engine(stateFile, Policy.defaults().withHistory(DAY), monitor, a, b).run().exitCode())
                .isEqualTo(ExitCode.INCOMPLETE);

        History third = new FileStateStore(stateFile).history(HistoryQuery.ALL);
        assertThat(third.events()).extracting(e -> e.event().type().name()).containsExactly("MFA_DISABLED", "MONITOR_FAILED");
        assertThat(third.events().get(0).deliveries()).as("settled and dropped from the outbox, kept in the history")
                .isEqualTo(disabled.deliveries());
        assertThat(third.runs()).containsExactly(run2, new RunSummary(MONITOR, "github", day2, RunSummary.Health.FAILED,
                Optional.of("GitHub answered 502 Bad Gateway"), 0, 1, 2, 0, 0, 1));
        assertThat(new FileStateStore(stateFile).history(HistoryQuery.ALL.withAccounts(java.util.Set.of("id-1"))).events())
                .containsExactly(third.events().get(0));
    }

    private RunEngine engine(Path stateFile, Policy policy, ScriptedMonitor monitor, RecordingNotifier a,
                             RecordingNotifier b) {
        Policy onceARun = policy.withRetry(new RetryPolicy(policy.retry().initialBackoff(), policy.retry().maxBackoff(), 1,
                policy.retry().grace()));
        RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(new FileStateStore(stateFile))
                .policy(onceARun).clock(clock).monitor(MONITOR, monitor).notifier("a", a).notifier("b", b).build();
        engines.add(engine);
        return engine;
    }
}
