package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.testkit.MemoryStateStore;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RetryPolicy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.testkit.slack.FakeSlack;
import dev.mfamonitor.testkit.slack.FakeSlack.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Slack notifier inside the real run engine (with a state store in memory): the engine retries what Slack did not
 * take with its one backoff policy, the outbox keeps it, a later run delivers it once, and a run with undelivered
 * alerts exits 3. Waits go to a sleeper that records them instead of sleeping.
 */
class SlackRunEngineTest {
    private final FakeSlack slack = FakeSlack.start();
    private final MemoryStateStore store = new MemoryStateStore();
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    private RunEngine engine() {
        List<Account> accounts = List.of(new Account("1", "alice", "member", MfaStatus.ENABLED),
                new Account("2", "bob", "member", MfaStatus.DISABLED));
        Policy policy = Policy.defaults().withRetry(new RetryPolicy(Duration.ofMillis(1), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1)));
        return RunEngine.builder()
                .stateStore(store)
                .monitor("hr-sheet", request -> Snapshot.of("inventory", Instant.now(), accounts))
                .notifier("security-slack", SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), slack))
                .policy(policy)
                .sleeper(waits::add)
                .build();
    }

    private RunReport run() {
        try (RunEngine engine = engine()) {
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
            RunReport report = run();

            assertThat(report.exitCode()).as("run %d", run).isEqualTo(ExitCode.INCOMPLETE);
            assertThat(report.pending()).as("run %d", run).isEqualTo(Map.of("security-slack", 1));
        }
        assertThat(slackDelivery().lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("Slack answered 500 rollup_error"));
        assertThat(slack.messages()).isEmpty();
        assertThat(slack.requests()).as("the engine's 3 tries in each of 3 runs").hasSize(9);
        assertThat(waits).as("the engine waited between tries, through the sleeper").hasSize(6);

        slack.answerNormally();
        RunReport fourth = run();

        assertThat(fourth.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(fourth.delivered()).isEqualTo(Map.of("security-slack", 1));
        assertThat(slack.requests()).as("3 tries in each of 3 runs, then 1").hasSize(10);
        assertThat(slack.receivedTexts()).singleElement().asString()
                .contains("*Baseline* (info): `2 accounts: 1 with MFA, 1 without (bob)");
        // The pending alert is delivered while the scan runs: if it is marked before the run's commit, that commit
        // already drops the settled entry; otherwise the entry stays, marked delivered, until the next commit.
        assertThat(store.load().outbox()).as("marked delivered, or already dropped by this run's commit")
                .allSatisfy(entry -> assertThat(entry.deliveries().get("security-slack").state())
                        .isEqualTo(Delivery.State.DELIVERED));

        RunReport fifth = run();
        assertThat(fifth.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(slack.messages()).as("delivered once, not again").hasSize(1);
        assertThat(store.load().outbox()).as("the settled entry is gone with the next commit").isEmpty();
    }

    @Test
    void aRateLimitIsWaitedForAsSlackAskedByTheEngine() {
        slack.enqueue(Reply.rateLimited(7));

        RunReport report = run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(waits).containsExactly(Duration.ofSeconds(7));
        assertThat(slack.requests()).extracting(FakeSlack.Request::status).containsExactly(429, 200);
    }

    @Test
    void aRevokedWebhookIsTriedOnceLeavesTheAlertPendingAndExits3WithAClearMessage() {
        slack.answerEveryRequestWith(Reply.error("invalid_token"));

        RunReport report = run();

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
