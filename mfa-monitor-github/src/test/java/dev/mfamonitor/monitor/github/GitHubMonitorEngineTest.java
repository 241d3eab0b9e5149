package dev.mfamonitor.monitor.github;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.Reply;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.mfamonitor.monitor.github.GitHubFixture.ORG;
import static dev.mfamonitor.monitor.github.GitHubFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** The monitor inside the real run engine: what a failing scan does to the run's outcome and to the stored state. */
class GitHubMonitorEngineTest {
    private FakeGitHub fake;
    private final MemoryStore store = new MemoryStore();
    private final java.util.List<dev.mfamonitor.spi.Notification> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fake = FakeGitHub.start(ORG).token(TOKEN, true).token("ghp_member_only", false);
        for (int id = 1; id <= 1000; id++) {
            fake.member(id, "user" + id, id % 50 == 0 ? TwoFactor.DISABLED : TwoFactor.ENABLED, id == 1);
        }
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private RunReport run(Map<String, Object> extra) {
        try (RunEngine engine = RunEngine.builder().stateStore(store).monitor("github-acme", new GitHubFixture(fake).monitor(extra))
                .notifier("recorder", notification -> {
                    delivered.add(notification);
                    return DeliveryResult.delivered();
                }).build()) {
            return engine.run();
        }
    }

    @Test
    void aNonOwnerTokenExitsThreeWithNoAlerts() {
        RunReport report = run(Map.of("token", "${env:MEMBER_TOKEN}"));

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(report.monitorFailures()).isEqualTo(Map.of("github-acme", "GitHub answered 422 'Only owners can use this "
                + "filter.' for org acme: the token's user must be an owner of acme (a classic token also needs the read:org "
                + "scope, admin:org to see the 2FA requirement)"));
        assertThat(report.newEvents()).extracting(ChangeEvent::type).containsExactly(EventType.MONITOR_FAILED);
        assertThat(store.load().monitors().get("github-acme").lastGood()).isEmpty();
    }

    @Test
    void aFailingPageKeepsTheLastGoodSnapshotAndAlertsNothing() {
        RunReport baseline = run(Map.of());
        assertThat(baseline.exitCode()).isEqualTo(ExitCode.OK);
        Snapshot good = store.load().monitors().get("github-acme").lastGood().orElseThrow();
        assertThat(good.accounts()).hasSize(1000);

        // Force the full listing (fullScanInterval passed) and break page 7 of it.
        fake.script(r -> r.path().equals("/orgs/acme/members") && r.param("filter").equals("all") && r.page() == 7, -1,
                Reply.error(502, "Server Error"));
        fake.remove(5);
        RunReport broken = run(Map.of("fullScanInterval", "1ms"));

        assertThat(broken.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(broken.newEvents()).extracting(ChangeEvent::type).containsExactly(EventType.MONITOR_FAILED);
        assertThat(store.load().monitors().get("github-acme").lastGood()).contains(good);
    }

    /** A store in memory with the operations' semantics: enough for the engine, nothing to clean up. */
    private static final class MemoryStore implements StateStore {
        private final Map<String, MonitorState> monitors = new TreeMap<>();
        private final Map<String, OutboxEntry> outbox = new LinkedHashMap<>();

        @Override
        public Lock lock() {
            return () -> { };
        }

        @Override
        public synchronized StoredState load() {
            return new StoredState(monitors, List.copyOf(outbox.values()));
        }

        @Override
        public synchronized void commit(RunCommit commit) {
            monitors.putAll(commit.monitors());
            commit.newEntries().forEach(e -> outbox.put(e.id(), e));
            mark(commit.marks());
            commit.settled().forEach(outbox::remove);
        }

        @Override
        public synchronized void mark(List<DeliveryMark> marks) {
            for (DeliveryMark mark : marks) {
                OutboxEntry entry = outbox.get(mark.entryId());
                if (entry != null && entry.deliveries().containsKey(mark.notifierId())) {
                    outbox.put(entry.id(), entry.with(mark.notifierId(), mark.delivery()));
                }
            }
        }

        @Override
        public String describe() {
            return "memory";
        }
    }
}
