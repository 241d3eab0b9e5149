package dev.mfamonitor.notifier.teams;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.teams.FakeTeams;
import dev.mfamonitor.testkit.teams.FakeTeams.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Canary values for the workflow id and the signature of the webhook URL, through success and every kind of failure,
 * with every logger at DEBUG: none may appear in a log line, a failure reason, a card
 * or a configuration error.
 */
class TeamsSecretsTest {
    private static final String WORKFLOW_CANARY = "canaryWORKFLOW7f3b2c71a9";
    private static final String SIG_CANARY = "CANARYsig5d1e_9f3b2c71aa";

    private final FakeTeams teams = FakeTeams.start(WORKFLOW_CANARY, SIG_CANARY);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<String> reasons = new ArrayList<>();
    private Level rootLevel;

    @BeforeEach
    void captureEveryLogLine() {
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void restore() {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        try {
            TeamsTestSupport.assertEveryCardValid(teams);
        } finally {
            teams.close();
        }
    }

    private void deliverCollecting(TeamsNotifier notifier) {
        DeliveryResult result = notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        if (result instanceof DeliveryResult.Transient failure) {
            reasons.add(failure.reason());
        } else if (result instanceof DeliveryResult.Permanent failure) {
            reasons.add(failure.reason());
        }
    }

    @Test
    void theWebhookUrlNeverReachesALogLineAReasonOrACard() {
        String url = teams.webhookUrl();
        TestContext context = TeamsTestSupport.context(teams);
        try (TeamsNotifier notifier = TeamsTestSupport.create(TeamsTestSupport.config(teams, Map.of()), context)) {
            deliverCollecting(notifier);                                         // success
            teams.enqueue(Reply.serverError(), Reply.rateLimited(3), Reply.workflowNotFound());
            deliverCollecting(notifier);                                         // 502
            deliverCollecting(notifier);                                         // 429
            deliverCollecting(notifier);                                         // 404
            for (int status : List.of(400, 401, 403, 404, 410, 413, 500, 503, 301)) {
                // Answers that echo the URL, the signature and the workflow id, also as the error code.
                teams.answerEveryRequestWith(Reply.raw(status, "{\"error\":{\"code\":\"" + SIG_CANARY + "\",\"message\":\""
                        + url + " " + WORKFLOW_CANARY + "\"}} " + url).withHeader("Location", url));
                deliverCollecting(notifier);
            }
            teams.answerNormally();
        }
        // An unreachable workflow: the connection error must not carry the URL either.
        teams.close();
        try (TeamsNotifier notifier = TeamsTestSupport.create(TeamsTestSupport.urlConfig(url, Map.of()), context)) {
            deliverCollecting(notifier);
        }

        assertThat(reasons).as("failures seen").hasSize(13);
        assertThat(logs.list).as("log lines at DEBUG").isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContain(SIG_CANARY, WORKFLOW_CANARY);
        }
        assertThat(reasons).allSatisfy(r -> assertThat(r).doesNotContain(SIG_CANARY, WORKFLOW_CANARY, "sig="));
        assertThat(teams.requests()).allSatisfy(r -> assertThat(r.body()).doesNotContain(SIG_CANARY, WORKFLOW_CANARY));
    }

    @Test
    void aWebhookUrlOfAnotherSchemeIsReportedWithoutItsValueEvenBeforeTheRedactorKnowsIt() {
        String url = "ftp://prod-00.westeurope.logic.azure.com/workflows/" + WORKFLOW_CANARY
                + "/triggers/manual/paths/invoke?api-version=2016-06-01&sig=" + SIG_CANARY;
        assertThatThrownBy(() -> TeamsTestSupport.create(TeamsTestSupport.urlConfig(url, Map.of()),
                TestContext.of("security-teams")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'webhookUrl'")
                .message().doesNotContain(SIG_CANARY, WORKFLOW_CANARY);
    }

    @Test
    void aPlainHttpWebhookUrlIsReportedWithoutItsValue() {
        String url = "http://prod-00.westeurope.logic.azure.com/workflows/" + WORKFLOW_CANARY
                + "/triggers/manual/paths/invoke?api-version=2016-06-01&sig=" + SIG_CANARY;
        assertThatThrownBy(() -> TeamsTestSupport.create(TeamsTestSupport.urlConfig(url, Map.of()),
                TestContext.of("security-teams").withSecretValues(url)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'webhookUrl'")
                .hasMessageContaining("plain http to prod-00.westeurope.logic.azure.com")
                .hasMessageEndingWith("create one from the template 'Post to a channel when a webhook request is "
                        + "received' and copy the URL it shows")
                .message().doesNotContain(SIG_CANARY, WORKFLOW_CANARY);
    }

    @Test
    void aMalformedOrRetiredUrlIsReportedWithoutItsValue() {
        for (String url : List.of("https://exa mple.com/workflows/" + SIG_CANARY,
                "https://contoso.webhook.office.com/webhookb2/" + WORKFLOW_CANARY + "/IncomingWebhook/" + SIG_CANARY,
                "https://user:" + SIG_CANARY + "@example.com/workflows/x")) {
            assertThatThrownBy(() -> TeamsTestSupport.create(TeamsTestSupport.urlConfig(url, Map.of()),
                    TestContext.of("security-teams")))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("property 'webhookUrl'")
                    .message().doesNotContain(SIG_CANARY, WORKFLOW_CANARY);
        }
    }
}
