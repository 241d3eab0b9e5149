package dev.mfamonitor.core.engine;

import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.mfamonitor.core.engine.EngineFixtures.Channel;
import static dev.mfamonitor.core.engine.EngineFixtures.T0;
import static dev.mfamonitor.core.engine.EngineFixtures.member;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 items 17 and 32: plugin text is redacted, then made one clean line, before it is logged, stored or sent. */
class PluginTextTest {
    private static final String CANARY = "canary-9f8e7d6c5b4a";
    private static final String HOSTILE = "refused\n2026-01-01 ERROR forged log line\u001b[2J \u001b]8;;https://evil.example\u0007click"
            + "\u001b]8;;\u0007 \u202Etxt.exe token=" + CANARY + " url-encoded=canary%2D9f8e7d6c5b4a";

    private final MemoryStateStore store = new MemoryStateStore();

    private RunEngine engine(Monitor monitor, Channel channel) {
        return RunEngine.builder().stateStore(store).monitor("m", monitor).notifier("a", channel)
                .policy(Policy.defaults()).redact(List.of(new Secret(CANARY))).sleeper(d -> { }).build();
    }

    @Test
    void aMonitorFailureIsOneCleanLineWithoutSecrets() {
        Monitor failing = request -> {
            throw new IllegalStateException(HOSTILE);
        };
        Channel channel = new Channel();

        RunReport report = engine(failing, channel).run();

        String expected = "refused 2026-01-01 ERROR forged log line[2J ]8;;https://evil.exampleclick]8;; txt.exe token=**** "
                + "url-encoded=****";
        assertThat(report.monitorFailures()).isEqualTo(Map.of("m", expected));
        assertThat(channel.deliveredEvents()).extracting(e -> e.detail()).containsExactly(expected);
        assertThat(store.entries().get(0).event().detail()).isEqualTo(expected);
    }

    @Test
    void aGapReasonAndADeliveryErrorAreCleanedTheSameWay() {
        Monitor partial = request -> new Snapshot("aws", T0, List.of(member("1", MfaStatus.ENABLED)), Map.of(), Map.of(),
                List.of(new Gap("222", HOSTILE)));
        Channel failing = new Channel().answering(DeliveryResult.permanent(HOSTILE));

        RunReport report = engine(partial, failing).run();

        assertThat(report.monitorFailures().get("m")).startsWith("incomplete: 222 (refused 2026-01-01 ERROR")
                .doesNotContain(CANARY).doesNotContain("\n").doesNotContain("\u001b").doesNotContain("\u202E");
        String stored = store.entries().get(0).deliveries().get("a").lastError().orElseThrow();
        assertThat(stored).startsWith("refused 2026-01-01 ERROR forged log line").doesNotContain(CANARY)
                .doesNotContain("\n").doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(store.entries().get(0).event().detail()).doesNotContain(CANARY).doesNotContain("\u001b");
    }

    @Test
    void aStoresErrorIsRedactedAndCleanedBeforeItIsReported() {
        dev.mfamonitor.spi.state.StateStore leaky = new dev.mfamonitor.spi.state.StateStore() {
            @Override
            public Lock lock() {
                return () -> { };
            }

            @Override
            public dev.mfamonitor.spi.state.StoredState load() throws dev.mfamonitor.spi.StateUnreadableException {
                throw new dev.mfamonitor.spi.StateUnreadableException("jdbc:postgresql://db/mfa?password=" + CANARY
                        + "\n\u001b[2Jbroken");
            }

            @Override
            public void commit(dev.mfamonitor.spi.state.RunCommit commit) {
            }

            @Override
            public void mark(List<dev.mfamonitor.spi.state.DeliveryMark> marks) {
            }

            @Override
            public String describe() {
                return "leaky store";
            }
        };
        RunReport report = RunEngine.builder().stateStore(leaky).monitor("m", request -> null).notifier("a", new Channel())
                .redact(List.of(new Secret(CANARY))).build().run();

        assertThat(report.exitCode()).isEqualTo(dev.mfamonitor.core.ExitCode.STATE_UNREADABLE);
        assertThat(report.message()).isEqualTo("jdbc:postgresql://db/mfa?password=**** [2Jbroken");
    }
}
