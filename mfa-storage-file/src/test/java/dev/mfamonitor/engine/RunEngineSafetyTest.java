package dev.mfamonitor.engine;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.engine.EngineDoubles.FailingNotifier;
import dev.mfamonitor.engine.EngineDoubles.MutableClock;
import dev.mfamonitor.engine.EngineDoubles.RecordingNotifier;
import dev.mfamonitor.engine.EngineDoubles.ScriptedMonitor;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.FileStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mfamonitor.engine.EngineDoubles.T0;
import static dev.mfamonitor.engine.EngineDoubles.github;
import static dev.mfamonitor.engine.EngineDoubles.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Guards found in review: paths where an alert could vanish, or a run could say "all good" when it is not. */
class RunEngineSafetyTest {
    private static final String MONITOR = "github-acme";

    @TempDir
    Path dir;

    private FileStateStore store() {
        return new FileStateStore(dir.resolve("state.json"));
    }

    @Test
    void withASingleNotifierAnAlertPastTheGiveUpAgeStaysPendingInsteadOfVanishing() throws Exception {
        MutableClock clock = new MutableClock(T0);
        ScriptedMonitor monitor = new ScriptedMonitor();
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store()).monitor(MONITOR, monitor)
                .notifier("slack", FailingNotifier.always()).clock(clock).build()) {
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.ENABLED))));
            engine.run();
            clock.advance(Duration.ofHours(1));
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
            assertThat(engine.run().exitCode()).isEqualTo(ExitCode.INCOMPLETE);

            clock.advance(Duration.ofHours(73));
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
            RunReport late = engine.run();

            assertThat(late.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
            assertThat(late.pending()).containsEntry("slack", 2);
            assertThat(store().load().outbox()).extracting(e -> e.event().type())
                    .containsExactly(EventType.BASELINE, EventType.MFA_DISABLED);
        }
    }

    @Test
    void anEngineWithoutNotifiersIsRefused() {
        assertThatThrownBy(() -> RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store()).monitor(MONITOR, new ScriptedMonitor()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one notifier is required");
    }

    @Test
    void slowPendingDeliveriesDoNotEatTheMonitorsTime() {
        Policy policy = new Policy(Optional.empty(), List.of(), 10, 0.1, Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofHours(72));
        Notifier hanging = notification -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                return DeliveryResult.retry("interrupted");
            }
            return DeliveryResult.delivered();
        };
        Monitor instant = request -> github(Instant.now(), List.of(member(1, MfaStatus.DISABLED)));
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store()).monitor(MONITOR, instant).notifier("slack", hanging)
                .policy(policy).build()) {
            engine.run();
            // The second run first spends the delivery timeout plus grace (> 2 s) on the pending baseline.
            RunReport second = engine.run();

            assertThat(second.monitorFailures()).isEmpty();
            assertThat(second.pending()).containsEntry("slack", 1);
        }
    }

    @Test
    void eventsForANotifierNoLongerConfiguredCountAsPendingAndAreAbandonedToTheOthers() throws Exception {
        MutableClock clock = new MutableClock(T0);
        ScriptedMonitor monitor = new ScriptedMonitor();
        try (RunEngine old = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store()).monitor(MONITOR, monitor)
                .notifier("slack", FailingNotifier.always()).clock(clock).build()) {
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
            old.run();
        }
        RecordingNotifier renamed = new RecordingNotifier();
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store()).monitor(MONITOR, monitor)
                .notifier("security-slack", renamed).clock(clock).build()) {
            clock.advance(Duration.ofHours(1));
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
            RunReport stillPending = engine.run();
            assertThat(stillPending.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
            assertThat(stillPending.pending()).isEqualTo(Map.of("slack", 1));

            clock.advance(Duration.ofHours(73));
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
            RunReport abandoned = engine.run();

            assertThat(abandoned.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
            assertThat(abandoned.pending()).isEmpty();
            assertThat(renamed.events()).extracting(e -> e.type()).containsExactly(EventType.DELIVERY_ABANDONED);
            assertThat(renamed.events().get(0).detail()).startsWith("1 event(s) for notifier 'slack' could not be delivered");
            StoredState state = store().load();
            assertThat(EngineDoubles.unsettled(state)).isEmpty();
        }
    }

    @Test
    void aPluginMessageQuotingAConfiguredSecretIsScrubbedBeforeItIsStoredOrSent() throws Exception {
        String canary = "https://hooks.example.com/services/T000/B000/canary-4f9d";
        Monitor leaky = request -> {
            throw new IllegalStateException("GET " + canary + " answered 500");
        };
        RecordingNotifier notifier = new RecordingNotifier();
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store()).monitor(MONITOR, leaky).notifier("chat", notifier)
                .redact(List.of(new Secret(canary))).build()) {
            RunReport report = engine.run();

            assertThat(report.monitorFailures()).containsEntry(MONITOR, "GET **** answered 500");
        }
        assertThat(notifier.events()).singleElement().satisfies(e -> assertThat(e.detail()).isEqualTo("GET **** answered 500"));
        StoredState state = store().load();
        assertThat(state.monitors().get(MONITOR).lastFailure()).contains("GET **** answered 500");
        assertThat(java.nio.file.Files.readString(dir.resolve("state.json"))).doesNotContain("canary-4f9d");
        assertThat(state.outbox()).allSatisfy((OutboxEntry e) -> assertThat(e.deliveries().values())
                .allMatch(d -> d.state() == Delivery.State.DELIVERED || d.lastError().map(x -> !x.contains("canary")).orElse(true)));
    }

    @Test
    void aGapReasonQuotingAConfiguredSecretIsScrubbedBeforeItIsStoredOrSent() throws Exception {
        String canary = "canary-gap-77b1";
        Monitor partial = request -> new dev.mfamonitor.spi.Snapshot("aws", Instant.now(), List.of(member(1, MfaStatus.ENABLED)),
                Map.of(), Map.of(), List.of(new dev.mfamonitor.spi.Gap("222", "AssumeRole with key " + canary + " was refused")));
        RecordingNotifier notifier = new RecordingNotifier();
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store()).monitor(MONITOR, partial).notifier("chat", notifier)
                .redact(List.of(new Secret(canary))).build()) {
            RunReport report = engine.run();

            assertThat(report.monitorFailures().get(MONITOR)).isEqualTo("incomplete: 222 (AssumeRole with key **** was refused)");
        }
        assertThat(notifier.events()).extracting(e -> e.detail()).allMatch(d -> !d.contains(canary));
        assertThat(java.nio.file.Files.readString(dir.resolve("state.json"))).doesNotContain(canary).contains("key **** was");
    }

    @Test
    void aDeliveryThatCannotBeRecordedIsAnInternalErrorNotAllGood() throws Exception {
        MutableClock clock = new MutableClock(T0);
        ScriptedMonitor monitor = new ScriptedMonitor();
        FlakyStore store = new FlakyStore(store());
        RecordingNotifier notifier = new RecordingNotifier();
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store).monitor(MONITOR, monitor).notifier("chat", notifier)
                .clock(clock).build()) {
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.ENABLED))));
            assertThat(engine.run().exitCode()).isEqualTo(ExitCode.OK);

            clock.advance(Duration.ofHours(1));
            monitor.then(github(clock.instant(), List.of(member(1, MfaStatus.DISABLED))));
            store.failSavesAfter(1); // the commit is written; recording the delivery is not
            RunReport report = engine.run();

            assertThat(report.exitCode()).isEqualTo(ExitCode.INTERNAL);
            assertThat(report.message()).startsWith("alerts were delivered but could not be recorded in file ");
            assertThat(notifier.events()).extracting(e -> e.type()).containsExactly(EventType.BASELINE, EventType.MFA_DISABLED);
        }
    }

    @Test
    void aLockThatFailsToReleaseDoesNotHideTheRunsOutcome() throws Exception {
        ScriptedMonitor monitor = new ScriptedMonitor();
        FlakyStore store = new FlakyStore(store());
        store.failLockRelease();
        RecordingNotifier notifier = new RecordingNotifier();
        try (RunEngine engine = RunEngine.builder().sleeper(EngineDoubles.NO_SLEEP).stateStore(store).monitor(MONITOR, monitor).notifier("chat", notifier).build()) {
            monitor.then(github(Instant.now(), List.of(member(1, MfaStatus.ENABLED))));

            RunReport report = engine.run();

            assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(report.delivered()).isEqualTo(Map.of("chat", 1));
        }
    }

    /** The real file store, with saves or the lock release made to fail on demand. */
    private static final class FlakyStore implements dev.mfamonitor.spi.state.StateStore {
        private final FileStateStore delegate;
        private int savesLeft = Integer.MAX_VALUE;
        private boolean failLockRelease;

        FlakyStore(FileStateStore delegate) {
            this.delegate = delegate;
        }

        /** The next {@code writes} commits or marks succeed, the ones after fail. */
        void failSavesAfter(int writes) {
            savesLeft = writes;
        }

        void failLockRelease() {
            failLockRelease = true;
        }

        @Override
        public Lock lock() throws dev.mfamonitor.spi.StateLockedException, java.io.IOException {
            Lock lock = delegate.lock();
            return () -> {
                lock.close();
                if (failLockRelease) {
                    throw new java.io.IOException("disk went away");
                }
            };
        }

        @Override
        public StoredState load() throws dev.mfamonitor.spi.StateUnreadableException, java.io.IOException {
            return delegate.load();
        }

        @Override
        public void commit(dev.mfamonitor.spi.state.RunCommit commit) throws java.io.IOException {
            if (savesLeft-- <= 0) {
                throw new java.io.IOException("No space left on device");
            }
            delegate.commit(commit);
        }

        @Override
        public void mark(List<dev.mfamonitor.spi.state.DeliveryMark> marks) throws java.io.IOException {
            if (savesLeft-- <= 0) {
                throw new java.io.IOException("No space left on device");
            }
            delegate.mark(marks);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
