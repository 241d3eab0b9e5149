package dev.mfamonitor.core.engine;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RetryPolicy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.OutboxEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.mfamonitor.core.engine.EngineFixtures.Channel;
import static dev.mfamonitor.core.engine.EngineFixtures.Scripted;
import static dev.mfamonitor.core.engine.EngineFixtures.T0;
import static dev.mfamonitor.core.engine.EngineFixtures.Time;
import static dev.mfamonitor.core.engine.EngineFixtures.describe;
import static dev.mfamonitor.core.engine.EngineFixtures.github;
import static dev.mfamonitor.core.engine.EngineFixtures.member;
import static org.assertj.core.api.Assertions.assertThat;

/** The delivery stage: engine-owned retries, notifiers served independently, nothing delivered that was not committed. */
class RunEngineDeliveryTest {
    private static final String MONITOR = "github-acme";
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final Time time = new Time();
    private final MemoryStateStore store = new MemoryStateStore();

    private RunEngine engine(Policy policy, Monitor monitor, Map<String, Notifier> notifiers) {
        RunEngine.Builder builder = RunEngine.builder().stateStore(store).monitor(MONITOR, monitor).policy(policy)
                .clock(time.clock()).nanoTime(time::nanoTime).sleeper(time::sleep);
        notifiers.forEach(builder::notifier);
        return builder.build();
    }

    private RunEngine engine(Monitor monitor, Channel... channels) {
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        for (int i = 0; i < channels.length; i++) {
            notifiers.put(String.valueOf((char) ('a' + i)), channels[i]);
        }
        return engine(Policy.defaults().withRetry(new RetryPolicy(SECOND, Duration.ofSeconds(30), 10, SECOND)), monitor, notifiers);
    }

    private static Scripted monitor() {
        return new Scripted().then(github(T0, member("1", MfaStatus.ENABLED), member("2", MfaStatus.DISABLED)));
    }

    @Test
    void aTransientFailureIsRetriedByTheEngineWithBackoffUntilDelivered() {
        Channel channel = new Channel().answering(DeliveryResult.retry("503 Service Unavailable"),
                DeliveryResult.retry("503 Service Unavailable"), DeliveryResult.delivered());

        RunReport report = engine(monitor(), channel).run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(channel.attemptCount()).isEqualTo(3);
        assertThat(describe(channel.deliveredEvents())).containsExactly("BASELINE @github-acme");
        List<Duration> sleeps = time.sleeps();
        assertThat(sleeps).hasSize(2);
        // Full jitter between half and the whole of 1 s, then of 2 s.
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(500), SECOND);
        assertThat(sleeps.get(1)).isBetween(SECOND, Duration.ofSeconds(2));
        Delivery delivery = store.entries().get(0).deliveries().get("a");
        assertThat(delivery.state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(delivery.attempts()).isEqualTo(3);
    }

    @Test
    void retryAfterIsAFloorForTheWait() {
        Channel channel = new Channel().answering(DeliveryResult.retryAfter("429 Too Many Requests", Duration.ofSeconds(7)),
                DeliveryResult.delivered());

        engine(monitor(), channel).run();

        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
        assertThat(channel.attemptCount()).isEqualTo(2);
    }

    @Test
    void aRetryAfterLongerThanTheCapEndsThisRunsTriesAndLeavesTheEventsPending() {
        Channel channel = new Channel().answering(DeliveryResult.retryAfter("429 Too Many Requests", Duration.ofMinutes(5)));

        RunReport report = engine(monitor(), channel).run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(channel.attemptCount()).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(report.pending()).isEqualTo(Map.of("a", 1));
        Delivery delivery = store.entries().get(0).deliveries().get("a");
        assertThat(delivery.state()).isEqualTo(Delivery.State.PENDING);
        assertThat(delivery.attempts()).isEqualTo(1);
        assertThat(delivery.lastError()).contains("429 Too Many Requests (asked to wait 5m, longer than "
                + "policy.retry.maxBackoff; the next run tries again)");
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        Channel channel = new Channel().answering(DeliveryResult.permanent("Slack answered invalid_token: renew the token"));

        RunReport report = engine(monitor(), channel).run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(channel.attemptCount()).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(store.entries().get(0).deliveries().get("a").lastError())
                .contains("Slack answered invalid_token: renew the token");
    }

    @Test
    void triesStopAtTheConfiguredNumber() {
        Channel channel = new Channel().answering(DeliveryResult.retry("connection refused"));
        Policy policy = Policy.defaults().withRetry(new RetryPolicy(SECOND, SECOND, 3, SECOND));

        RunReport report = engine(policy, monitor(), Map.of("a", channel)).run();

        assertThat(channel.attemptCount()).isEqualTo(3);
        assertThat(time.sleeps()).hasSize(2);
        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(store.entries().get(0).deliveries().get("a").lastError())
                .contains("connection refused (3 tries; the next run tries again)");
    }

    @Test
    void noRetryStartsThatWouldEndPastTheDeliveryDeadline() {
        Channel channel = new Channel().answering(DeliveryResult.retry("timeout"));
        Policy policy = Policy.defaults().withDeliveryTimeout(Duration.ofSeconds(10))
                .withRetry(new RetryPolicy(Duration.ofSeconds(4), Duration.ofSeconds(4), 100, SECOND));

        engine(policy, monitor(), Map.of("a", channel)).run();

        // Waits of 2 to 4 s fit into 10 s at most four times; never is a wait started that would end past it.
        assertThat(time.slept()).isLessThan(Duration.ofSeconds(10));
        assertThat(channel.attemptCount()).isBetween(3, 6);
        assertThat(store.entries().get(0).deliveries().get("a").lastError().orElseThrow())
                .endsWith("(no time left for another try within 10s (policy.deliveryTimeout); the next run tries again)");
    }

    @Test
    void aReceiverThatIsDownDelaysNoOtherNotifierNorTheScan() throws Exception {
        // Run 1: both channels fail, so the baseline stays pending for both.
        Channel slow = new Channel().answering(DeliveryResult.permanent("down"));
        Channel console = new Channel().answering(DeliveryResult.permanent("down"));
        engine(monitor(), slow, console).run();

        // Run 2: the slow receiver hangs until the console has been served; the monitor scans only once the console
        // has delivered what was pending, so a stage that serves notifiers one after another, or delivers before
        // scanning, would never get there (and time out instead).
        CountDownLatch consoleServed = new CountDownLatch(1);
        CountDownLatch slowSawTheConsoleServed = new CountDownLatch(1);
        Channel hanging = new Channel().answering(() -> {
            try {
                if (consoleServed.await(5, TimeUnit.SECONDS)) {
                    slowSawTheConsoleServed.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return DeliveryResult.retry("read timed out");
        });
        Channel served = new Channel().answering(() -> {
            consoleServed.countDown();
            return DeliveryResult.delivered();
        });
        Monitor waitsForTheConsole = request -> {
            if (!consoleServed.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the console was not served while the scan ran");
            }
            return github(T0.plusSeconds(3600), member("1", MfaStatus.DISABLED), member("2", MfaStatus.DISABLED));
        };
        Policy policy = Policy.defaults().withRetry(new RetryPolicy(SECOND, SECOND, 1, Duration.ofMillis(100)));
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        notifiers.put("a", hanging);
        notifiers.put("b", served);

        RunReport report = engine(policy, waitsForTheConsole, notifiers).run();

        assertThat(slowSawTheConsoleServed.getCount()).as("the hanging receiver saw the console served meanwhile").isZero();
        assertThat(report.monitorFailures()).isEmpty();
        assertThat(served.delivered).hasSize(2);
        assertThat(describe(served.delivered.get(0).events())).containsExactly("BASELINE @github-acme");
        assertThat(describe(served.delivered.get(1).events())).containsExactly("MFA_DISABLED user-1");
        assertThat(report.pending()).isEqualTo(Map.of("a", 2));
    }

    @Test
    void nothingIsDeliveredThatWasNotCommittedAndTheRedetectedChangeKeepsItsId() {
        Channel channel = new Channel();
        Scripted monitor = monitor()
                .then(github(T0.plusSeconds(3600), member("1", MfaStatus.DISABLED), member("2", MfaStatus.DISABLED)))
                .then(github(T0.plusSeconds(7200), member("1", MfaStatus.DISABLED), member("2", MfaStatus.DISABLED)));
        RunEngine engine = engine(monitor, channel);
        engine.run();

        store.failCommits.set(1);
        RunReport failed = engine.run();
        assertThat(failed.exitCode()).isEqualTo(ExitCode.INTERNAL);
        assertThat(failed.message()).contains("nothing new was delivered");
        assertThat(channel.delivered).hasSize(1);

        RunReport next = engine.run();
        assertThat(next.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(channel.delivered).hasSize(2);
        List<ChangeEvent> alerts = channel.delivered.get(1).events();
        assertThat(describe(alerts)).containsExactly("MFA_DISABLED user-1");
        assertThat(alerts.get(0).id()).isEqualTo(failed.newEvents().get(0).id())
                .isEqualTo(ChangeEvent.idOf(MONITOR, "1", EventType.MFA_DISABLED, T0));
    }

    @Test
    void aMarkThatFailedIsStoredWithTheCommitAndTheRunEndsWell() {
        Channel down = new Channel().answering(DeliveryResult.permanent("down"), DeliveryResult.delivered());
        Scripted first = monitor();
        engine(first, down).run();

        store.failMarks.set(1);
        Monitor waitsForTheMark = request -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (store.markCalls.get() < 2 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return github(T0.plusSeconds(60), member("1", MfaStatus.ENABLED), member("2", MfaStatus.DISABLED));
        };
        RunReport report = engine(waitsForTheMark, down).run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report.message()).isEmpty();
        assertThat(store.entries()).isEmpty();
    }

    @Test
    void machinesGetEventsInTheOrderTheyOccurred() {
        Channel channel = new Channel().answering(DeliveryResult.permanent("down"), DeliveryResult.permanent("down"),
                DeliveryResult.permanent("down"), DeliveryResult.delivered());
        Scripted monitor = monitor()
                .then(github(T0.plusSeconds(60), member("1", MfaStatus.DISABLED), member("2", MfaStatus.DISABLED)))
                .then(github(T0.plusSeconds(120), member("1", MfaStatus.ENABLED), member("2", MfaStatus.DISABLED)));
        RunEngine engine = engine(monitor, channel);
        engine.run();
        engine.run();
        engine.run();
        engine.run();

        // Sorted by severity, MFA_DISABLED would come first and a receiver applying them in order would end wrong.
        assertThat(describe(channel.delivered.get(0).events()))
                .containsExactly("BASELINE @github-acme", "MFA_DISABLED user-1", "MFA_ENABLED user-1");
    }

    @Test
    void aStepOfTheWallClockNeitherTimesOutMonitorsNorAbandonsAlerts() {
        Channel channel = new Channel();
        Monitor stepsTheClock = request -> {
            time.advanceWall(Duration.ofDays(5)); // NTP, a resumed VM
            return github(T0, member("1", MfaStatus.DISABLED));
        };
        Map<String, Notifier> notifiers = Map.of("a", channel);
        RunEngine.Builder builder = RunEngine.builder().stateStore(store).policy(Policy.defaults())
                .monitor("steps", stepsTheClock).monitor(MONITOR, monitor())
                .clock(time.clock()).nanoTime(time::nanoTime).sleeper(time::sleep);
        notifiers.forEach(builder::notifier);

        RunReport report = builder.build().run();

        assertThat(report.monitorFailures()).isEmpty();
        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(describe(channel.deliveredEvents())).containsExactlyInAnyOrder("BASELINE @steps", "BASELINE @github-acme");
    }

    @Test
    void aFirstRunSaysSoInItsBaseline() {
        Channel channel = new Channel();

        engine(monitor(), channel).run();

        assertThat(channel.deliveredEvents().get(0).detail())
                .endsWith("; first run: no state at memory store");
    }

    @Test
    void whenEveryNotifierIsDownNothingIsAbandonedAndNothingLost() {
        Channel a = new Channel().answering(DeliveryResult.retry("503"));
        Channel b = new Channel().answering(DeliveryResult.retry("503"));
        Policy policy = Policy.defaults().withGiveUpAfter(Duration.ofSeconds(2))
                .withRetry(new RetryPolicy(SECOND, SECOND, 1, SECOND));
        Scripted monitor = monitor();
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        notifiers.put("a", a);
        notifiers.put("b", b);
        RunEngine engine = engine(policy, monitor, notifiers);
        engine.run();
        for (int run = 0; run < 3; run++) {
            time.advanceWall(Duration.ofHours(1));
            RunReport report = engine.run();
            assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        }

        assertThat(store.entries()).hasSize(1);
        OutboxEntry baseline = store.entries().get(0);
        assertThat(baseline.event().type()).isEqualTo(EventType.BASELINE);
        assertThat(baseline.deliveries().values()).extracting(Delivery::state)
                .containsOnly(Delivery.State.PENDING);
    }

    @Test
    void aNotifierDownPastTheGiveUpAgeIsAbandonedOnceAnotherDeliveredAndTheNoticeCarriesTheEvents() {
        Channel up = new Channel().answering(DeliveryResult.retry("503"), DeliveryResult.delivered());
        Channel down = new Channel().answering(DeliveryResult.retry("503"));
        Policy policy = Policy.defaults().withGiveUpAfter(Duration.ofHours(72))
                .withRetry(new RetryPolicy(SECOND, SECOND, 1, SECOND));
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        notifiers.put("up", up);
        notifiers.put("down", down);
        RunEngine engine = engine(policy, monitor(), notifiers);
        engine.run();                               // both fail
        time.advanceWall(Duration.ofHours(73));
        RunReport second = engine.run();            // past the age, but nobody delivered it yet: nothing abandoned
        assertThat(describe(second.newEvents())).isEmpty();
        assertThat(describe(up.deliveredEvents())).containsExactly("BASELINE @github-acme");

        RunReport third = engine.run();             // "up" delivered it: "down" is abandoned, the others told

        assertThat(describe(third.newEvents())).containsExactly("DELIVERY_ABANDONED @");
        ChangeEvent notice = third.newEvents().get(0);
        assertThat(notice.notifierId()).contains("down");
        assertThat(describe(notice.carried())).containsExactly("BASELINE @github-acme");
        assertThat(notice.detail()).startsWith("1 event(s) for notifier 'down' could not be delivered within 3d");
        assertThat(describe(up.deliveredEvents())).containsExactly("BASELINE @github-acme", "DELIVERY_ABANDONED @");
        assertThat(store.entries()).extracting(e -> e.event().type()).containsExactly(EventType.DELIVERY_ABANDONED);
        assertThat(store.entries().get(0).deliveries().keySet()).containsExactly("up");
    }

}
