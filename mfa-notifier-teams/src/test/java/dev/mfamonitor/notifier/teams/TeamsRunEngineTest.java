package dev.mfamonitor.notifier.teams;

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
import dev.mfamonitor.testkit.MemoryStateStore;
import dev.mfamonitor.testkit.teams.FakeTeams;
import dev.mfamonitor.testkit.teams.FakeTeams.Reply;
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
 * The Teams notifier inside the real run engine (with a state store in memory): the engine waits as a 429 asked, a
 * deleted workflow is tried once and leaves the alert pending with what to fix, and the webhook URL never reaches the
 * stored state. Waits go to a sleeper that records them instead of sleeping.
 */
class TeamsRunEngineTest {
    private static final String WORKFLOW_CANARY = "canaryENGINEworkflow0123456789";
    private static final String SIG_CANARY = "canaryENGINEsig_0123456789abcdef";

    private final FakeTeams teams = FakeTeams.start(WORKFLOW_CANARY, SIG_CANARY);
    private final MemoryStateStore store = new MemoryStateStore();
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void everyCardIsValidAndTheFakeStops() {
        try {
            TeamsTestSupport.assertEveryCardValid(teams);
        } finally {
            teams.close();
        }
    }

    private RunReport run() {
        List<Account> accounts = List.of(new Account("1", "alice", "member", MfaStatus.ENABLED),
                new Account("2", "bob_admin", "member", MfaStatus.DISABLED));
        Policy policy = Policy.defaults().withRetry(new RetryPolicy(Duration.ofMillis(1), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1)));
        try (RunEngine engine = RunEngine.builder()
                .stateStore(store)
                .monitor("hr-sheet", request -> Snapshot.of("inventory", Instant.now(), accounts))
                .notifier("security-teams", TeamsTestSupport.create(teams))
                .policy(policy)
                .sleeper(waits::add)
                .build()) {
            return engine.run();
        }
    }

    private Delivery teamsDelivery() {
        List<OutboxEntry> outbox = store.load().outbox();
        assertThat(outbox).hasSize(1);
        return outbox.get(0).deliveries().get("security-teams");
    }

    @Test
    void aRateLimitIsWaitedForAsTheWorkflowAskedByTheEngine() {
        teams.enqueue(Reply.rateLimited(7));

        RunReport report = run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(waits).containsExactly(Duration.ofSeconds(7));
        assertThat(teams.requests()).extracting(FakeTeams.Request::status).containsExactly(429, 202);
        assertThat(teams.receivedTexts()).singleElement().asString()
                .contains("**Baseline** (info): 2 accounts: 1 with MFA, 1 without (bobˍadmin)");
    }

    @Test
    void aDeletedWorkflowIsTriedOnceLeavesTheAlertPendingAndExits3WithWhatToFix() {
        teams.answerEveryRequestWith(Reply.workflowNotFound());

        RunReport report = run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(report.pending()).isEqualTo(Map.of("security-teams", 1));
        assertThat(teams.requests()).as("no retry of a permanent error").hasSize(1);
        assertThat(teamsDelivery().state()).isEqualTo(Delivery.State.PENDING);
        assertThat(teamsDelivery().lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("no workflow answers at that URL (404 WorkflowNotFound): the workflow was deleted or its URL "
                        + "rotated")
                .doesNotContain(WORKFLOW_CANARY, SIG_CANARY));
    }

    @Test
    void theWebhookUrlNeverReachesTheState() {
        teams.enqueue(Reply.serverError(), Reply.raw(503, "{\"error\":{\"code\":\"" + SIG_CANARY + "\"}} "
                + teams.webhookUrl()), Reply.rateLimited(1));

        RunReport first = run();
        teams.answerEveryRequestWith(Reply.raw(401, teams.webhookUrl()));
        run();

        assertThat(first.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        String state = store.load().toString() + teamsDelivery();
        assertThat(teamsDelivery().lastError()).isPresent();
        assertThat(state).doesNotContain(WORKFLOW_CANARY, SIG_CANARY);
    }
}
