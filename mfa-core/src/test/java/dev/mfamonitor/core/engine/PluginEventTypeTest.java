package dev.mfamonitor.core.engine;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mfamonitor.core.engine.EngineFixtures.Channel;
import static dev.mfamonitor.core.engine.EngineFixtures.T0;
import static dev.mfamonitor.core.engine.EngineFixtures.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 11 item 6: a plugin declares its own event types and raises them as notices. */
class PluginEventTypeTest {
    private static final EventType TOKEN_WITHOUT_EXPIRY = EventType.declare("gitlab.TOKEN_WITHOUT_EXPIRY",
            "Token without expiry", Severity.MEDIUM, false);

    private final MemoryStateStore store = new MemoryStateStore();

    private static Snapshot snapshotWith(Instant at, Notice... notices) {
        return new Snapshot("gitlab", at, List.of(member("1", MfaStatus.ENABLED)), Map.of(), Map.of(), List.of(),
                List.of(notices));
    }

    private RunEngine engine(Monitor monitor, Channel channel, List<EventType> declared) {
        return RunEngine.builder().stateStore(store).monitor("gitlab-corp", monitor).eventTypes("gitlab-corp", declared)
                .notifier("a", channel).policy(Policy.defaults()).sleeper(d -> { }).build();
    }

    @Test
    void aDeclaredNoticeIsRaisedOnceWithItsWordsAndSeverity() {
        Notice notice = new Notice(TOKEN_WITHOUT_EXPIRY, Optional.of("1"), "token-77", "token 'deploy' never expires");
        List<Snapshot> script = List.of(snapshotWith(T0), snapshotWith(T0.plusSeconds(60), notice),
                snapshotWith(T0.plusSeconds(120), notice));
        int[] call = {0};
        Monitor monitor = request -> script.get(Math.min(call[0]++, script.size() - 1));
        Channel channel = new Channel();
        RunEngine engine = engine(monitor, channel, List.of(TOKEN_WITHOUT_EXPIRY));

        engine.run();
        RunReport second = engine.run();
        RunReport third = engine.run();

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(second.newEvents()).hasSize(1);
        ChangeEvent event = second.newEvents().get(0);
        assertThat(event.type().name()).isEqualTo("gitlab.TOKEN_WITHOUT_EXPIRY");
        assertThat(event.type().words()).isEqualTo("Token without expiry");
        assertThat(event.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(event.account().orElseThrow().name()).isEqualTo("user-1");
        assertThat(event.detail()).isEqualTo("token 'deploy' never expires");
        assertThat(third.newEvents()).as("the same notice again is not news").isEmpty();
        assertThat(channel.deliveredEvents()).extracting(e -> e.type().name())
                .containsExactly("BASELINE", "gitlab.TOKEN_WITHOUT_EXPIRY");
    }

    @Test
    void aNoticeOfAnUndeclaredTypeFailsTheMonitorSayingWhich() {
        EventType undeclared = EventType.declare("gitlab.SOMETHING_ELSE", "Something else", Severity.LOW, false);
        Monitor monitor = request -> snapshotWith(T0, new Notice(undeclared, Optional.empty(), "x", "y"));

        RunReport report = engine(monitor, new Channel(), List.of(TOKEN_WITHOUT_EXPIRY)).run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(report.monitorFailures()).containsEntry("gitlab-corp", "the monitor raised a notice of event type "
                + "'gitlab.SOMETHING_ELSE', which its provider does not declare in MonitorProvider.eventTypes() (it "
                + "declares gitlab.TOKEN_WITHOUT_EXPIRY); the plugin needs fixing");
    }

    @Test
    void aPluginTypeMustBeNamespacedAndATypeUnknownToThisRunnerStillReads() {
        assertThatThrownBy(() -> EventType.declare("MFA_DISABLED", "mine", Severity.HIGH, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be namespaced");
        EventType restored = EventType.restore("okta.FACTOR_RESET", "Factor reset", Severity.HIGH, false);
        assertThat(restored.words()).isEqualTo("Factor reset");
        assertThat(EventType.restore("MFA_DISABLED", "whatever", Severity.LOW, true)).isSameAs(EventType.MFA_DISABLED);
        assertThat(EventType.restore("FUTURE_BUILT_IN", "From a newer release", Severity.MEDIUM, false).defaultSeverity())
                .isEqualTo(Severity.MEDIUM);
    }
}
