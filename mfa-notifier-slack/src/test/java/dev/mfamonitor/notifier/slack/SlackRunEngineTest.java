package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Delivery;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.OutboxEntry;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.slack.FakeSlack;
import dev.mfamonitor.testkit.slack.FakeSlack.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Slack notifier inside the real run engine (with a state store in memory): the outbox keeps what Slack did not
 * take, a later run delivers it once, and a run with undelivered alerts exits 3.
 */
class SlackRunEngineTest {
    private final FakeSlack slack = FakeSlack.start();
    private final MemoryStateStore store = new MemoryStateStore();

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    private RunEngine engine(SlackNotifier.Retries retries) {
        List<Account> accounts = List.of(new Account("1", "alice", "member", MfaStatus.ENABLED),
                new Account("2", "bob", "member", MfaStatus.DISABLED));
        Policy policy = new Policy(Optional.empty(), List.of(), Policy.DEFAULT_GUARD_MIN_CHANGES, Policy.DEFAULT_GUARD_FRACTION,
                Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofHours(72));
        return RunEngine.builder()
                .stateStore(store)
                .monitor("hr-sheet", request -> Snapshot.of("inventory", Instant.now(), accounts))
                .notifier("security-slack", SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), retries))
                .policy(policy)
                .build();
    }

    private RunReport run(SlackNotifier.Retries retries) {
        try (RunEngine engine = engine(retries)) {
            return engine.run();
        }
    }

    private Delivery slackDelivery() {
        List<OutboxEntry> outbox = store.load().outbox();
        assertThat(outbox).hasSize(1);
        return outbox.get(0).deliveries().get("security-slack");
    }

    @Test
    void slackFailingThreeRunsThenRecoveringGetsTheAlertOnceOnTheFourth() {
        slack.answerEveryRequestWith(Reply.serverError());
        for (int run = 1; run <= 3; run++) {
            RunReport report = run(SlackTestSupport.RecordingRetries.fast(3).retries);

            assertThat(report.exitCode()).as("run %d", run).isEqualTo(ExitCode.INCOMPLETE);
            assertThat(report.pending()).as("run %d", run).isEqualTo(Map.of("security-slack", 1));
        }
        assertThat(slackDelivery().attempts()).isEqualTo(3);
        assertThat(slackDelivery().lastError()).hasValue(
                "gave up after 3 tries; last: Slack answered 500 rollup_error; the events stay pending for the next run");
        assertThat(slack.messages()).isEmpty();

        slack.answerNormally();
        RunReport fourth = run(SlackTestSupport.RecordingRetries.fast(3).retries);

        assertThat(fourth.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(fourth.delivered()).isEqualTo(Map.of("security-slack", 1));
        assertThat(slack.requests()).as("3 tries in each of 3 runs, then 1").hasSize(10);
        assertThat(slack.receivedTexts()).singleElement().asString()
                .contains("*Baseline*: 2 accounts: 1 with MFA, 1 without (bob)");
        assertThat(store.load().outbox()).as("nothing left pending").isEmpty();

        RunReport fifth = run(SlackTestSupport.RecordingRetries.fast(3).retries);
        assertThat(fifth.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(slack.messages()).as("delivered once, not again").hasSize(1);
    }

    @Test
    void aRevokedWebhookIsTriedOnceLeavesTheAlertPendingAndExits3WithAClearMessage() {
        slack.answerEveryRequestWith(Reply.error("invalid_token"));

        RunReport report = run(SlackTestSupport.RecordingRetries.fast(5).retries);

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(report.exitCode().code()).isEqualTo(3);
        assertThat(report.pending()).isEqualTo(Map.of("security-slack", 1));
        assertThat(slack.requests()).as("no retry of a permanent error").hasSize(1);
        assertThat(slackDelivery().state()).isEqualTo(Delivery.State.PENDING);
        assertThat(slackDelivery().lastError()).hasValue("Slack rejected the incoming webhook (403 invalid_token): it "
                + "was revoked or its Slack app was removed; create a new incoming webhook and put its URL where "
                + "webhookUrl reads it");
    }
}
