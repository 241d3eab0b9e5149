package dev.mfamonitor.notifier.pagerduty;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.MemoryStateStore;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A canary routing key through success and every kind of failure, with every logger at DEBUG: it may appear in no log
 * line, no failure reason, no configuration error and nowhere in the state the engine keeps.
 */
class PagerDutySecretsTest {
    private static final String CANARY = "CANARYr0ut1ngK3y0123456789abcdf";

    private final FakePagerDuty pagerDuty = FakePagerDuty.start(CANARY + "X");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<String> reasons = new ArrayList<>();
    private Level rootLevel;

    @BeforeEach
    void captureEveryLogLine() {
        assertThat(CANARY + "X").hasSize(32);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void restore() {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        pagerDuty.close();
    }

    private static String key() {
        return CANARY + "X";
    }

    private void deliverCollecting(Notifier notifier) {
        DeliveryResult result = notifier.send(NotifierContract.notificationOf(NotifierContract.sampleEvents()));
        if (result instanceof DeliveryResult.Transient failure) {
            reasons.add(failure.reason());
        } else if (result instanceof DeliveryResult.Permanent failure) {
            reasons.add(failure.reason());
        }
    }

    @Test
    void theRoutingKeyNeverReachesALogLineOrAFailureReason() {
        String echo = key() + " " + key().replace("r", "\\u0072");
        try (PagerDutyNotifier notifier = PagerDutyTestSupport.create(
                PagerDutyTestSupport.config(pagerDuty, key(), Map.of()), PagerDutyTestSupport.context(key()))) {
            deliverCollecting(notifier);                                                         // accepted
            pagerDuty.enqueue(Answer.invalidEvent("Invalid routing key " + echo));
            deliverCollecting(notifier);                                                         // 400 quoting it
            pagerDuty.enqueue(Answer.rateLimited().withBody("{\"message\":\"slow down " + echo + "\"}"));
            deliverCollecting(notifier);                                                         // 429 quoting it
            pagerDuty.enqueue(Answer.status(503).withBody("upstream " + key()));
            deliverCollecting(notifier);                                                         // 503 quoting it
            pagerDuty.enqueue(Answer.status(403).withBody("{\"routing_key\":\"" + key() + "\"}"));
            deliverCollecting(notifier);                                                         // 403 quoting it
        }
        String endpoint = pagerDuty.endpoint();
        pagerDuty.close();
        try (PagerDutyNotifier notifier = PagerDutyTestSupport.create(PagerDutyTestSupport.config(
                Map.of("routingKey", "${env:K}", "endpoint", endpoint), Map.of("K", key())),
                PagerDutyTestSupport.context(key()))) {
            deliverCollecting(notifier);                                                         // unreachable
        }

        assertThat(reasons).as("failures seen").hasSize(5);
        assertThat(reasons).allSatisfy(reason -> assertThat(reason).doesNotContain(CANARY));
        assertNoCanaryInLogs();
    }

    @Test
    void theRoutingKeyIsNowhereInTheStateAfterAFailedDelivery() {
        pagerDuty.answerEveryRequestWith(Answer.invalidEvent("Invalid routing key " + key()));
        MemoryStateStore store = new MemoryStateStore();
        List<Account> accounts = List.of(new Account("1", "bob", "member", MfaStatus.DISABLED));
        try (RunEngine engine = RunEngine.builder().stateStore(store)
                .monitor("hr", request -> Snapshot.of("inventory", Instant.parse("2026-03-02T09:00:00Z"), accounts))
                .notifier("pager", PagerDutyTestSupport.create(
                        PagerDutyTestSupport.config(pagerDuty, key(), Map.of("baselineIncidents", true)),
                        PagerDutyTestSupport.context(key())))
                .redact(List.of(new Secret(key())))
                .sleeper(d -> { })
                .build()) {
            RunReport report = engine.run();
            assertThat(report.pending()).isEqualTo(Map.of("pager", 1));
        }

        var delivery = store.load().outbox().get(0).deliveries().get("pager");
        assertThat(delivery.lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("PagerDuty answered 400 'invalid event' (Event object is invalid: Invalid routing key ****)")
                .doesNotContain(CANARY));
        assertThat(store.load().toString()).doesNotContain(CANARY);
        assertNoCanaryInLogs();
    }

    @Test
    void aMalformedRoutingKeyIsReportedWithoutItsValue() {
        assertThatThrownBy(() -> PagerDutyTestSupport.create(PagerDutyTestSupport.config(pagerDuty, CANARY + "\n" + "XY",
                Map.of()), PagerDutyTestSupport.context(CANARY)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("notifier 'pager' (type pagerduty): property 'routingKey': is not a PagerDuty routing key (it "
                        + "has 34 characters, some of them spaces, line breaks or characters outside printable ASCII; a "
                        + "routing key has 32): copy the Integration Key of the service's Events API v2 integration into "
                        + "the variable or file it is read from")
                .message().doesNotContain(CANARY);
    }

    private void assertNoCanaryInLogs() {
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContain(CANARY);
        }
    }
}
