package dev.mfamonitor.engine;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunEngine.RunOptions;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.engine.EngineDoubles.FailingNotifier;
import dev.mfamonitor.engine.EngineDoubles.MutableClock;
import dev.mfamonitor.engine.EngineDoubles.RecordingNotifier;
import dev.mfamonitor.engine.EngineDoubles.ScriptedMonitor;
import dev.mfamonitor.engine.EngineDoubles.SleepingMonitor;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.FileStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.mfamonitor.engine.EngineDoubles.T0;
import static dev.mfamonitor.engine.EngineDoubles.describe;
import static dev.mfamonitor.engine.EngineDoubles.describeNotification;
import static dev.mfamonitor.engine.EngineDoubles.github;
import static dev.mfamonitor.engine.EngineDoubles.member;
import static dev.mfamonitor.engine.EngineDoubles.members;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The run engine's promises of DESIGN.md, "One run", end to end over the real {@link FileStateStore} in a temp
 * directory: in-test monitors and notifiers, a clock the test moves, and the state file read back from disk.
 */
class RunEngineScenariosTest {
    private static final String MONITOR = "github-acme";
    private static final Duration BETWEEN_RUNS = Duration.ofHours(1);

    @TempDir
    Path directory;

    private Path stateFile;
    private MutableClock clock;
    private final List<RunEngine> engines = new ArrayList<>();

    @BeforeEach
    void setUp() {
        stateFile = directory.resolve("state").resolve("mfa-state.json");
        clock = new MutableClock(T0);
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(RunEngine::close);
    }

    // 1. Step 7: too much good news at once is withheld, bad news goes out, the old snapshot is kept.
    @Test
    void guardWithholdsMassRemovalButDeliversBadNewsUntilChangesAreAccepted() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        RecordingNotifier a = new RecordingNotifier();
        RecordingNotifier b = new RecordingNotifier();
        RunEngine engine = engine(Policy.defaults(), Map.of(MONITOR, monitor), notifiers("a", a, "b", b));

        monitor.then(github(clock.instant(), members(0, 100, MfaStatus.ENABLED)));
        assertThat(engine.run().exitCode()).isEqualTo(ExitCode.OK);
        assertThat(describe(a.events())).containsExactly("BASELINE @" + MONITOR);

        // 60 accounts vanish (user40..user99) and user0 turns its MFA off.
        List<Account> forty = Stream.concat(Stream.of(member(0, MfaStatus.DISABLED)),
                members(1, 40, MfaStatus.ENABLED).stream()).toList();
        nextRun();
        monitor.then(github(clock.instant(), forty));
        RunReport second = engine.run();

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        for (RecordingNotifier notifier : List.of(a, b)) {
            assertThat(notifier.received()).hasSize(2);
            assertThat(describeNotification(notifier.received().get(1)))
                    .containsExactly("MFA_DISABLED user0", "CHANGES_WITHHELD @" + MONITOR);
        }
        ChangeEvent withheld = second.newEvents().stream().filter(e -> e.type() == EventType.CHANGES_WITHHELD).findFirst().orElseThrow();
        assertThat(withheld.detail()).startsWith("60 good-news changes withheld (60 Account removed) of 100 accounts");
        Snapshot kept = lastGood();
        assertThat(kept.accounts()).hasSize(100);
        assertThat(kept.accounts()).containsAll(members(40, 100, MfaStatus.ENABLED));
        assertThat(kept.accounts()).contains(member(0, MfaStatus.DISABLED));

        // The same short list again: still withheld, and user0 is not alerted twice.
        nextRun();
        monitor.then(github(clock.instant(), forty));
        RunReport third = engine.run();

        assertThat(third.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(describe(third.newEvents())).containsExactly("CHANGES_WITHHELD @" + MONITOR);
        assertThat(describeNotification(a.received().get(2))).containsExactly("CHANGES_WITHHELD @" + MONITOR);
        assertThat(describeNotification(b.received().get(2))).containsExactly("CHANGES_WITHHELD @" + MONITOR);
        assertThat(lastGood().accounts()).hasSize(100);

        // A person confirmed the departures: --accept-changes lets them through.
        nextRun();
        monitor.then(github(clock.instant(), forty));
        RunReport accepted = engine.run(new RunOptions(false, true));

        assertThat(accepted.exitCode()).isEqualTo(ExitCode.OK);
        List<String> removed = members(40, 100, MfaStatus.ENABLED).stream().map(x -> "ACCOUNT_REMOVED " + x.name()).toList();
        assertThat(describe(accepted.newEvents())).containsExactlyInAnyOrderElementsOf(removed);
        assertThat(describe(a.received().get(3).events())).containsExactlyInAnyOrderElementsOf(removed);
        assertThat(describe(b.received().get(3).events())).containsExactlyInAnyOrderElementsOf(removed);
        assertThat(lastGood().accounts()).containsExactlyInAnyOrderElementsOf(forty);
        assertThat(EngineDoubles.unsettled(load())).isEmpty();
    }

    // 2. Steps 4 and 10: a failing notifier keeps its events in the outbox and holds back nobody.
    @Test
    void failingNotifierGetsItsPendingEventExactlyOnceWhenItRecoversAndHoldsBackNobody() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        FailingNotifier a = new FailingNotifier(0);
        RecordingNotifier b = new RecordingNotifier();
        RunEngine engine = engine(Policy.defaults(), Map.of(MONITOR, monitor), notifiers("a", a, "b", b));
        List<Account> before = List.of(member(1, MfaStatus.ENABLED), member(2, MfaStatus.ENABLED));
        List<Account> after = List.of(member(1, MfaStatus.DISABLED), member(2, MfaStatus.ENABLED));
        monitor.then(github(clock.instant(), before));
        assertThat(engine.run().exitCode()).isEqualTo(ExitCode.OK);
        assertThat(a.received()).hasSize(1);
        assertThat(b.received()).hasSize(1);

        // user1 turns MFA off before run 1; notifier a is down for runs 1 to 3 (a fresh engine, as each CLI run builds one).
        FailingNotifier downA = new FailingNotifier(3);
        engine = engine(Policy.defaults(), Map.of(MONITOR, monitor), notifiers("a", downA, "b", b));
        for (int run = 1; run <= 6; run++) {
            nextRun();
            monitor.then(github(clock.instant(), after));
            RunReport report = engine.run();
            if (run <= 3) {
                assertThat(report.exitCode()).as("run %d", run).isEqualTo(ExitCode.INCOMPLETE);
                assertThat(report.pending()).as("run %d", run).isEqualTo(Map.of("a", 1));
                assertThat(downA.attempts()).as("one attempt per run, run %d", run).isEqualTo(run);
                assertThat(downA.received()).isEmpty();
                dev.mfamonitor.spi.state.OutboxEntry pending = singleOutboxEntry();
                assertThat(pending.event().type()).isEqualTo(EventType.MFA_DISABLED);
                assertThat(pending.deliveries().get("a").state()).isEqualTo(Delivery.State.PENDING);
                assertThat(pending.deliveries().get("a").attempts()).isEqualTo(run);
                assertThat(pending.deliveries().get("a").lastError()).contains(FailingNotifier.ERROR + " (1 try; the next run tries again)");
                assertThat(pending.deliveries().get("b").state()).isEqualTo(Delivery.State.DELIVERED);
            } else {
                assertThat(report.exitCode()).as("run %d", run).isEqualTo(ExitCode.OK);
                assertThat(report.pending()).as("run %d", run).isEmpty();
            }
            if (run == 1) {
                assertThat(describe(b.receivedSince(1).get(0).events())).containsExactly("MFA_DISABLED user1");
            }
            if (run == 4) {
                assertThat(downA.received()).hasSize(1);
                assertThat(describeNotification(downA.received().get(0))).containsExactly("MFA_DISABLED user1");
                assertThat(EngineDoubles.unsettled(load())).isEmpty();
            }
        }
        assertThat(describe(downA.events())).containsExactly("MFA_DISABLED user1");
        assertThat(describe(b.events())).containsExactly("BASELINE @" + MONITOR, "MFA_DISABLED user1");
        assertThat(monitor.calls()).isEqualTo(7);
    }

    // 3. Step 5: a failed monitor keeps its last good snapshot, alerts once per streak, and is diffed when it is back.
    @Test
    void failingMonitorAlertsOncePerStreakKeepsLastGoodAndIsDiffedAgainstItOnRecovery() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        RecordingNotifier notifier = new RecordingNotifier();
        RunEngine engine = engine(Policy.defaults(), Map.of(MONITOR, monitor), notifiers("a", notifier));
        Instant baselineAt = clock.instant();
        monitor.then(github(baselineAt, List.of(member(1, MfaStatus.ENABLED), member(2, MfaStatus.ENABLED))));
        assertThat(engine.run().exitCode()).isEqualTo(ExitCode.OK);

        String failure = "GitHub answered 502 Bad Gateway for org acme; try again later";
        for (int streak = 1; streak <= 3; streak++) {
            nextRun();
            monitor.thenFail(failure);
            RunReport report = engine.run();
            assertThat(report.exitCode()).as("failing run %d", streak).isEqualTo(ExitCode.INCOMPLETE);
            assertThat(report.monitorFailures()).isEqualTo(Map.of(MONITOR, failure));
            MonitorState state = load().monitors().get(MONITOR);
            assertThat(state.failureStreak()).isEqualTo(streak);
            assertThat(state.lastFailure()).contains(failure);
            assertThat(state.lastGood().orElseThrow().observedAt()).isEqualTo(baselineAt);
            assertThat(state.lastGood().orElseThrow().accounts())
                    .containsExactly(member(1, MfaStatus.ENABLED), member(2, MfaStatus.ENABLED));
        }
        List<ChangeEvent> duringFailures = notifier.events().subList(1, notifier.events().size());
        assertThat(describe(duringFailures)).containsExactly("MONITOR_FAILED @" + MONITOR);
        assertThat(duringFailures.get(0).detail()).isEqualTo(failure);
        assertThat(duringFailures.get(0).service()).isEqualTo("github");

        // Back, and user2 turned MFA off meanwhile: diffed against the old last good snapshot.
        nextRun();
        Instant recoveredAt = clock.instant();
        monitor.then(github(recoveredAt, List.of(member(1, MfaStatus.ENABLED), member(2, MfaStatus.DISABLED))));
        RunReport recovered = engine.run();

        assertThat(recovered.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(describe(recovered.newEvents())).containsExactlyInAnyOrder("MONITOR_RECOVERED @" + MONITOR, "MFA_DISABLED user2");
        assertThat(describeNotification(notifier.received().get(notifier.received().size() - 1)))
                .as("machines get events in the order they occurred: the recovery, then the diff")
                .containsExactly("MONITOR_RECOVERED @" + MONITOR, "MFA_DISABLED user2");
        MonitorState state = load().monitors().get(MONITOR);
        assertThat(state.failureStreak()).isZero();
        assertThat(state.lastFailure()).isEmpty();
        assertThat(state.lastGood().orElseThrow().observedAt()).isEqualTo(recoveredAt);
        // The previous snapshot the monitor was offered each time was the baseline, never a failed read.
        assertThat(monitor.requests()).hasSize(5);
        assertThat(monitor.requests().subList(1, 5))
                .allSatisfy(r -> assertThat(r.previous().orElseThrow().observedAt()).isEqualTo(baselineAt));
    }

    // 4. Step 5: each monitor has a deadline; a slow one fails alone and the others' events still go out.
    @Test
    void monitorPastItsDeadlineFailsAloneAndTheOthersAreCommittedAndDelivered() throws Exception {
        SleepingMonitor slow = new SleepingMonitor();
        ScriptedMonitor fast = new ScriptedMonitor();
        RecordingNotifier notifier = new RecordingNotifier();
        Policy policy = Policy.defaults().withMonitorTimeout(Duration.ofMillis(300));
        Map<String, dev.mfamonitor.spi.Monitor> monitors = new java.util.LinkedHashMap<>();
        monitors.put("aws-slow", slow);
        monitors.put(MONITOR, fast);
        RunEngine engine = engine(policy, monitors, notifiers("a", notifier));
        fast.then(github(clock.instant(), List.of(member(1, MfaStatus.ENABLED), member(2, MfaStatus.DISABLED))));

        RunReport report = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> engine.run());

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(report.monitorFailures()).containsOnlyKeys("aws-slow");
        assertThat(report.monitorFailures().get("aws-slow")).contains("did not finish within").contains("300ms");
        assertThat(notifier.received()).hasSize(1);
        assertThat(describeNotification(notifier.received().get(0)))
                .containsExactly("MONITOR_FAILED @aws-slow", "BASELINE @" + MONITOR);
        StoredState state = load();
        assertThat(state.monitors().get(MONITOR).lastGood().orElseThrow().accounts()).hasSize(2);
        assertThat(state.monitors().get("aws-slow").lastGood()).isEmpty();
        assertThat(state.monitors().get("aws-slow").failureStreak()).isEqualTo(1);
        assertThat(EngineDoubles.unsettled(state)).isEmpty();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(slow.interrupted.await(10, TimeUnit.SECONDS)).as("the engine interrupts a monitor at its deadline").isTrue();
        });
    }

    // 5. Step 10: an event pending past the give-up age is abandoned and the other notifiers are told.
    @Test
    void deliveryPendingPastGiveUpAgeIsAbandonedAndReportedThroughTheOtherNotifiers() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        FailingNotifier a = FailingNotifier.always();
        RecordingNotifier b = new RecordingNotifier();
        Policy policy = Policy.defaults().withGiveUpAfter(Duration.ofHours(72));
        RunEngine engine = engine(policy, Map.of(MONITOR, monitor), notifiers("a", a, "b", b));
        List<Account> accounts = List.of(member(1, MfaStatus.ENABLED));

        monitor.then(github(clock.instant(), accounts));
        RunReport first = engine.run();
        assertThat(first.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(first.pending()).isEqualTo(Map.of("a", 1));

        clock.advance(Duration.ofHours(71));
        monitor.then(github(clock.instant(), accounts));
        RunReport young = engine.run();
        assertThat(young.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(young.pending()).isEqualTo(Map.of("a", 1));
        assertThat(a.attempts()).isEqualTo(2);
        assertThat(b.received()).hasSize(1);

        clock.advance(Duration.ofHours(2)); // 73 h after the baseline was committed
        monitor.then(github(clock.instant(), accounts));
        RunReport old = engine.run();

        // Nothing is pending any more, but alerts were given up for a notifier: a person should look (exit 3).
        assertThat(old.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(old.pending()).isEmpty();
        assertThat(a.attempts()).as("nothing left to try for a").isEqualTo(2);
        assertThat(b.received()).hasSize(2);
        Notification told = b.received().get(1);
        assertThat(told.events()).hasSize(1);
        ChangeEvent abandoned = told.events().get(0);
        assertThat(abandoned.type()).isEqualTo(EventType.DELIVERY_ABANDONED);
        assertThat(abandoned.detail()).isEqualTo("1 event(s) for notifier 'a' could not be delivered within 3d and were "
                + "abandoned for it; they are listed here; last error: " + FailingNotifier.ERROR + " (1 try; the next run tries again)");
        assertThat(abandoned.notifierId()).contains("a");
        assertThat(abandoned.carried()).extracting(e -> e.type()).containsExactly(EventType.BASELINE);
        assertThat(old.newEvents()).containsExactly(abandoned);
        assertThat(EngineDoubles.unsettled(load())).isEmpty();
    }

    // 6. Step 4: what earlier runs left pending goes out first, even when every monitor fails this run.
    @Test
    void pendingEventsAreDeliveredFirstEvenWhenEveryMonitorFails() throws Exception {
        ScriptedMonitor github = new ScriptedMonitor();
        ScriptedMonitor aws = new ScriptedMonitor();
        FailingNotifier a = new FailingNotifier(1);
        Map<String, dev.mfamonitor.spi.Monitor> monitors = new java.util.LinkedHashMap<>();
        monitors.put(MONITOR, github);
        monitors.put("aws-prod", aws);
        RunEngine engine = engine(Policy.defaults(), monitors, notifiers("a", a));
        github.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
        aws.then(Snapshot.of("aws", clock.instant(), List.of(new Account("arn:aws:iam::1:user/ci", "ci", "iam-user", MfaStatus.ENABLED))));
        RunReport first = engine.run();
        assertThat(first.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(first.pending()).isEqualTo(Map.of("a", 2));

        nextRun();
        github.thenFail("GitHub is down");
        aws.thenFail("AWS is down");
        RunReport second = engine.run();

        assertThat(second.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(second.monitorFailures()).isEqualTo(Map.of(MONITOR, "GitHub is down", "aws-prod", "AWS is down"));
        assertThat(second.pending()).isEmpty();
        // The pending baselines go out while the scan runs; the failures once they are committed, in a notification
        // of their own, or with the baselines when the notifier had not started yet: either way the pending first.
        assertThat(a.received()).hasSizeBetween(1, 2);
        assertThat(a.received().get(0).runAt()).isEqualTo(clock.instant());
        List<String> sent = a.received().stream().flatMap(n -> describeNotification(n).stream()).toList();
        assertThat(sent).hasSize(4);
        assertThat(sent.subList(0, 2)).containsExactlyInAnyOrder("BASELINE @" + MONITOR, "BASELINE @aws-prod");
        assertThat(sent.subList(2, 4)).containsExactlyInAnyOrder("MONITOR_FAILED @" + MONITOR, "MONITOR_FAILED @aws-prod");
        assertThat(EngineDoubles.unsettled(load())).isEmpty();
    }

    // 7. Step 2: a second run at the same time does nothing.
    @Test
    void runWhileAnotherHoldsTheLockIsRefusedAndTouchesNothing() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        FailingNotifier a = new FailingNotifier(1);
        RunEngine engine = engine(Policy.defaults(), Map.of(MONITOR, monitor), notifiers("a", a));
        monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.ENABLED))));
        assertThat(engine.run().pending()).isEqualTo(Map.of("a", 1)); // something that a run would deliver
        byte[] before = Files.readAllBytes(stateFile);

        nextRun();
        monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
        RunReport refused;
        try (StateStore.Lock held = new FileStateStore(stateFile).lock()) {
            refused = engine.run();
        }

        assertThat(refused.exitCode()).isEqualTo(ExitCode.LOCKED);
        assertThat(refused.exitCode().code()).isEqualTo(4);
        assertThat(refused.message()).contains("is in use by another mfa-monitor run");
        assertThat(monitor.calls()).isEqualTo(1);
        assertThat(a.received()).isEmpty();
        assertThat(a.attempts()).isEqualTo(1);
        assertThat(Files.readAllBytes(stateFile)).isEqualTo(before);

        // Once the other run is gone the same engine runs normally.
        RunReport after = engine.run();
        assertThat(after.exitCode()).isEqualTo(ExitCode.OK);
        // The pending baseline first; the new change in a notification of its own, or with it if the notifier had
        // not started when the change was committed.
        assertThat(a.received()).hasSizeBetween(1, 2);
        assertThat(describeNotification(a.received().get(0))).startsWith("BASELINE @" + MONITOR);
        assertThat(a.received().stream().flatMap(n -> describeNotification(n).stream()))
                .containsExactly("BASELINE @" + MONITOR, "MFA_DISABLED user1");
    }

    // 8. Step 3: unreadable state stops the run before any monitor or notifier is touched.
    @Test
    void unreadableStateIsRefusedBeforeAnyMonitorOrNotifierRunsAndTheFileIsKept() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        RecordingNotifier notifier = new RecordingNotifier();
        RunEngine engine = engine(Policy.defaults(), Map.of(MONITOR, monitor), notifiers("a", notifier));
        Files.createDirectories(stateFile.getParent());
        byte[] garbage = "{\"schemaVersion\": 1, \"monitors\": {\"github-acme\": ".getBytes(StandardCharsets.UTF_8);
        Files.write(stateFile, garbage);
        monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));

        RunReport report = engine.run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.STATE_UNREADABLE);
        assertThat(report.exitCode().code()).isEqualTo(5);
        assertThat(report.message()).contains(stateFile.toString()).contains("is not valid JSON");
        assertThat(monitor.calls()).isZero();
        assertThat(notifier.attempts()).isZero();
        assertThat(Files.readAllBytes(stateFile)).isEqualTo(garbage);
        // The refused run released its lock.
        new FileStateStore(stateFile).lock().close();
    }

    // 9. A dry run shows what would be sent and changes nothing.
    @Test
    void dryRunPlansEventsPerNotifierAndDeliversAndWritesNothing() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        RecordingNotifier a = new RecordingNotifier();
        RecordingNotifier b = new RecordingNotifier();
        RunEngine engine = engine(Policy.defaults(), Map.of(MONITOR, monitor), notifiers("a", a, "b", b));
        monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.ENABLED), member(2, MfaStatus.ENABLED))));
        engine.run();
        byte[] before = Files.readAllBytes(stateFile);

        nextRun();
        List<Account> changed = List.of(member(1, MfaStatus.DISABLED), member(2, MfaStatus.ENABLED));
        monitor.then(github(clock.instant(), changed));
        RunReport dry = engine.run(new RunOptions(true, false));

        assertThat(dry.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(dry.planned()).containsOnlyKeys("a", "b");
        assertThat(describe(dry.planned().get("a"))).containsExactly("MFA_DISABLED user1");
        assertThat(describe(dry.planned().get("b"))).containsExactly("MFA_DISABLED user1");
        assertThat(describe(dry.newEvents())).containsExactly("MFA_DISABLED user1");
        assertThat(dry.delivered()).isEmpty();
        assertThat(dry.pending()).isEmpty();
        assertThat(a.received()).hasSize(1);
        assertThat(b.received()).hasSize(1);
        assertThat(Files.readAllBytes(stateFile)).isEqualTo(before);

        // The change was only planned: the next real run still reports it.
        monitor.then(github(clock.instant(), changed));
        RunReport real = engine.run();
        assertThat(real.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(describeNotification(a.received().get(1))).containsExactly("MFA_DISABLED user1");
        assertThat(describeNotification(b.received().get(1))).containsExactly("MFA_DISABLED user1");
    }

    /**
     * 10. Embedding: an application builds the engine from plugin instances in code, without any YAML, and owns it
     * like any other resource.
     */
    @Test
    void embeddingBuildsTheEngineFromPluginInstancesInCode() {
        RecordingNotifier securityTeam = new RecordingNotifier();
        FileStateStore store = new FileStateStore(directory.resolve("mfa-state.json"));
        ScriptedMonitor staff = new ScriptedMonitor().then(Snapshot.of("directory", T0, List.of(
                new Account("u-1", "alice", "member", MfaStatus.ENABLED),
                new Account("u-2", "bob", "member", MfaStatus.DISABLED))));

        RunReport report;
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP)
                .stateStore(store)
                .monitor("staff-directory", staff)
                .notifier("security-team", securityTeam)
                .build()) {
            report = engine.run();
        }

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report.delivered()).isEqualTo(Map.of("security-team", 1));
        assertThat(securityTeam.received()).hasSize(1);
        ChangeEvent baseline = securityTeam.received().get(0).events().get(0);
        assertThat(securityTeam.received().get(0).events()).hasSize(1);
        assertThat(baseline.type()).isEqualTo(EventType.BASELINE);
        assertThat(baseline.monitorId()).isEqualTo("staff-directory");
        assertThat(baseline.detail()).isEqualTo("2 accounts: 1 with MFA, 1 without (bob), 0 not applicable, 0 unknown"
                + "; first run: no state at file " + directory.resolve("mfa-state.json").toAbsolutePath().normalize());
        assertThat(Files.exists(directory.resolve("mfa-state.json"))).isTrue();
        assertThat(staff.closed()).as("the engine closes what it was given").isTrue();
        assertThat(securityTeam.closed()).isTrue();
    }

    private RunEngine engine(Policy policy, Map<String, ? extends dev.mfamonitor.spi.Monitor> monitors,
                             Map<String, ? extends dev.mfamonitor.spi.Notifier> notifiers) {
        // One try per run: these scenarios count runs; the engine's retries within a run are RunEngineDeliveryTest's.
        Policy onceARun = policy.withRetry(new dev.mfamonitor.core.RetryPolicy(policy.retry().initialBackoff(),
                policy.retry().maxBackoff(), 1, policy.retry().grace()));
        RunEngine.Builder builder = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(new FileStateStore(stateFile))
                .policy(onceARun).clock(clock);
        monitors.forEach(builder::monitor);
        notifiers.forEach(builder::notifier);
        RunEngine engine = builder.build();
        engines.add(engine);
        return engine;
    }

    private static Map<String, RecordingNotifier> notifiers(Object... idsAndNotifiers) {
        Map<String, RecordingNotifier> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < idsAndNotifiers.length; i += 2) {
            map.put((String) idsAndNotifiers[i], (RecordingNotifier) idsAndNotifiers[i + 1]);
        }
        return map;
    }

    private void nextRun() {
        clock.advance(BETWEEN_RUNS);
    }

    private StoredState load() throws Exception {
        return new FileStateStore(stateFile).load();
    }

    private Snapshot lastGood() throws Exception {
        return load().monitors().get(MONITOR).lastGood().orElseThrow();
    }

    private dev.mfamonitor.spi.state.OutboxEntry singleOutboxEntry() throws Exception {
        List<dev.mfamonitor.spi.state.OutboxEntry> outbox = load().outbox();
        assertThat(outbox).hasSize(1);
        return outbox.get(0);
    }
}
