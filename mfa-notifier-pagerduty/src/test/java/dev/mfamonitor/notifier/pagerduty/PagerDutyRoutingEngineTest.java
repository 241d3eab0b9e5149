package dev.mfamonitor.notifier.pagerduty;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RetryPolicy;
import dev.mfamonitor.core.Route;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.MemoryStateStore;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16's "done when": the README's routing (PagerDuty only critical and high, Slack everything but info, the
 * webhook everything), read from a configuration, in the real run engine with a state store in memory. PagerDuty is
 * paged for the owner's and the member's MFA_DISABLED (critical, high), through a 429 storm the engine rides out with
 * its backoff (waits recorded, never slept), and is sent the resolves with the same keys when MFA comes back, although
 * MFA_ENABLED and ACCOUNT_REMOVED are info: a notifier sent a trigger is always sent its resolve.
 */
class PagerDutyRoutingEngineTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Account ALICE = new Account("1", "alice", "member", MfaStatus.ENABLED);
    private static final Account BOB = new Account("2", "bob", "member", MfaStatus.ENABLED);
    private static final Account OWNER = new Account("3", "the-owner", "member", MfaStatus.ENABLED, "", Map.of("role", "admin"));

    private final FakePagerDuty pagerDuty = FakePagerDuty.start(PagerDutyTestSupport.ROUTING_KEY);
    private final MemoryStateStore store = new MemoryStateStore();
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private final Recording slack = new Recording();
    private final Recording webhook = new Recording();
    private final List<Snapshot> script = new ArrayList<>();
    private int scans;

    @AfterEach
    void stop() {
        pagerDuty.close();
    }

    /** The README's routing, read as the runner reads it. */
    private static Map<String, Route> routes() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("state", Map.of("type", "file", "path", "state.json"));
        tree.put("monitors", List.of(Map.of("id", "github-acme", "type", "github")));
        tree.put("notifiers", List.of(
                Map.of("id", "pager", "type", "pagerduty", "routingKey", "${env:PD_KEY}",
                        "route", Map.of("minSeverity", "high")),
                Map.of("id", "security-slack", "type", "slack", "route", Map.of("minSeverity", "low")),
                Map.of("id", "siem", "type", "webhook")));
        return Configuration.fromTree(tree, "mfa-monitor.yaml", Path.of("/tmp"), name -> null).routes();
    }

    private RunEngine engine() {
        Map<String, Route> routes = routes();
        Policy policy = Policy.defaults().withRetry(new RetryPolicy(Duration.ofMillis(1), Duration.ofSeconds(30), 5,
                Duration.ofSeconds(1)));
        return RunEngine.builder()
                .stateStore(store)
                .monitor("github-acme", request -> script.get(scans++))
                .notifier("pager", PagerDutyTestSupport.create(pagerDuty, Map.of()))
                .route("pager", routes.get("pager"))
                .notifier("security-slack", slack).route("security-slack", routes.get("security-slack"))
                .notifier("siem", webhook)
                .redact(List.of(new Secret(PagerDutyTestSupport.ROUTING_KEY)))
                .policy(policy)
                .sleeper(waits::add)
                .build();
    }

    private void sees(long minutes, Account... accounts) {
        script.add(Snapshot.of("github", T0.plusSeconds(60 * minutes), List.of(accounts)));
    }

    @Test
    void pagerDutyRoutedToCriticalAndHighIsPagedThroughA429StormAndResolvedByInfoEvents() {
        sees(0, ALICE, BOB, OWNER);
        sees(1, ALICE, BOB.withMfa(MfaStatus.DISABLED), OWNER.withMfa(MfaStatus.DISABLED));
        sees(2, new Account("1", "alice", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true")), BOB,
                OWNER.withMfa(MfaStatus.DISABLED));
        sees(3, new Account("1", "alice", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true")), BOB);
        String bobKey = IncidentMapping.accountKey("github-acme", "2");
        String ownerKey = IncidentMapping.accountKey("github-acme", "3");

        try (RunEngine engine = engine()) {
            RunReport baseline = engine.run();
            assertThat(baseline.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(pagerDuty.requests()).as("a baseline pages nobody").isEmpty();

            pagerDuty.enqueue(Answer.rateLimited(), Answer.rateLimited().withRetryAfter("7"), Answer.rateLimited());
            RunReport disabled = engine.run();
            assertThat(disabled.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(disabled.pending()).isEmpty();
            assertThat(waits).as("the engine waited between its tries, PagerDuty's Retry-After as a floor").hasSize(3);
            assertThat(waits.get(1)).isEqualTo(Duration.ofSeconds(7));
            assertThat(pagerDuty.requests()).extracting(FakePagerDuty.Request::status).containsExactly(429, 429, 429, 202, 202);
            assertThat(pagerDuty.openAlerts()).containsOnlyKeys(bobKey, ownerKey);
            assertThat(pagerDuty.alerts().get(ownerKey).payload().path("severity").asText()).isEqualTo("critical");
            assertThat(pagerDuty.alerts().get(bobKey).payload().path("severity").asText()).isEqualTo("error");

            RunReport enabled = engine.run();
            assertThat(enabled.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(pagerDuty.openAlerts()).as("bob's MFA_ENABLED (info) resolved bob's incident; alice's WEAK_MFA "
                    + "(medium) paged nobody").containsOnlyKeys(ownerKey);

            RunReport removed = engine.run();
            assertThat(removed.exitCode()).isEqualTo(ExitCode.OK);
        }

        assertThat(pagerDuty.openAlerts()).isEmpty();
        assertThat(pagerDuty.acceptedEvents()).extracting(e -> e.path("event_action").asText() + " "
                        + (e.path("dedup_key").asText().equals(bobKey) ? "bob" : e.path("dedup_key").asText().equals(ownerKey)
                        ? "owner" : e.path("dedup_key").asText()))
                .containsExactly("trigger bob", "trigger owner", "resolve bob", "resolve owner");
        assertThat(pagerDuty.alerts()).allSatisfy((key, alert) -> assertThat(alert.triggers()).as("paged once").isEqualTo(1));
        assertThat(slack.described()).as("Slack: everything but info, and the resolves of what it was sent")
                .containsExactly("MFA_DISABLED bob", "MFA_DISABLED the-owner", "WEAK_MFA alice", "MFA_ENABLED bob",
                        "ACCOUNT_REMOVED the-owner");
        assertThat(webhook.described()).as("the webhook: everything")
                .containsExactly("BASELINE", "MFA_DISABLED bob", "MFA_DISABLED the-owner", "WEAK_MFA alice",
                        "MFA_ENABLED bob", "ACCOUNT_REMOVED the-owner");
    }

    /** A notifier that takes everything and remembers it, standing in for Slack and the webhook. */
    private static final class Recording implements Notifier {
        private final List<ChangeEvent> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public DeliveryResult send(Notification notification) {
            events.addAll(notification.events());
            return DeliveryResult.delivered();
        }

        List<String> described() {
            synchronized (events) {
                return events.stream().map(e -> e.type().name() + e.account().map(a -> " " + a.name()).orElse("")).toList();
            }
        }
    }
}
