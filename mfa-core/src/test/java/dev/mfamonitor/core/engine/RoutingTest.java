package dev.mfamonitor.core.engine;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.Route;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.mfamonitor.core.engine.EngineFixtures.Channel;
import static dev.mfamonitor.core.engine.EngineFixtures.Scripted;
import static dev.mfamonitor.core.engine.EngineFixtures.T0;
import static dev.mfamonitor.core.engine.EngineFixtures.describe;
import static dev.mfamonitor.core.engine.EngineFixtures.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing per notifier (issue 16): which events each notifier is sent, resolves following triggers. */
class RoutingTest {
    private static final Account OWNER = new Account("9", "the-owner", "member", MfaStatus.ENABLED, "", Map.of("role", "admin"));
    private final MemoryStateStore store = new MemoryStateStore();

    private static Snapshot snapshot(long minutes, Account... accounts) {
        return Snapshot.of("github", T0.plusSeconds(60 * minutes), List.of(accounts));
    }

    @Test
    void aPagerRoutedToCriticalAndHighGetsTheOwnersAlertAndItsResolveButNoInfo() {
        Scripted monitor = new Scripted()
                .then(snapshot(0, OWNER, member("1", MfaStatus.ENABLED)))
                .then(snapshot(1, OWNER.withMfa(MfaStatus.DISABLED), member("1", MfaStatus.ENABLED)))
                .then(snapshot(2, OWNER.withMfa(MfaStatus.ENABLED), member("1", MfaStatus.ENABLED)))
                .thenFail("GitHub answered 502")
                .then(snapshot(3, OWNER, member("1", MfaStatus.ENABLED)));
        Channel pager = new Channel();
        Channel everything = new Channel();
        Route pagerRoute = new Route(Optional.of(Severity.HIGH), Set.of(), Set.of(), Set.of());
        RunEngine engine = RunEngine.builder().stateStore(store).monitor("github-acme", monitor)
                .notifier("pagerduty", pager).route("pagerduty", pagerRoute)
                .notifier("webhook", everything).policy(Policy.defaults()).sleeper(d -> { }).build();

        for (int run = 0; run < 5; run++) {
            RunReport report = engine.run();
            assertThat(report.pending()).isEmpty();
        }

        assertThat(describe(pager.deliveredEvents())).containsExactly("MFA_DISABLED the-owner", "MFA_ENABLED the-owner",
                "MONITOR_FAILED @github-acme", "MONITOR_RECOVERED @github-acme");
        assertThat(describe(everything.deliveredEvents())).containsExactly("BASELINE @github-acme", "MFA_DISABLED the-owner",
                "MFA_ENABLED the-owner", "MONITOR_FAILED @github-acme", "MONITOR_RECOVERED @github-acme");
    }

    @Test
    void aRouteByTypeAndMonitorAndAnExcludedHealthEvent() {
        Route route = new Route(Optional.empty(), Set.of("MFA_DISABLED"), Set.of("aws-prod"), Set.of("MONITOR_FAILED"));
        dev.mfamonitor.spi.ChangeEvent awsDisabled = dev.mfamonitor.spi.ChangeEvent.builder(
                dev.mfamonitor.spi.EventType.MFA_DISABLED, "aws-prod", "aws", T0).account(member("1", MfaStatus.DISABLED)).build();
        dev.mfamonitor.spi.ChangeEvent githubDisabled = dev.mfamonitor.spi.ChangeEvent.builder(
                dev.mfamonitor.spi.EventType.MFA_DISABLED, "github-acme", "github", T0).account(member("1", MfaStatus.DISABLED)).build();
        dev.mfamonitor.spi.ChangeEvent failed = dev.mfamonitor.spi.ChangeEvent.builder(
                dev.mfamonitor.spi.EventType.MONITOR_FAILED, "aws-prod", "aws", T0).build();
        dev.mfamonitor.spi.ChangeEvent recovered = dev.mfamonitor.spi.ChangeEvent.builder(
                dev.mfamonitor.spi.EventType.MONITOR_RECOVERED, "github-acme", "github", T0).build();

        assertThat(route.accepts(awsDisabled)).isTrue();
        assertThat(route.accepts(githubDisabled)).isFalse();
        assertThat(route.accepts(failed)).as("excluded explicitly").isFalse();
        assertThat(route.accepts(recovered)).as("health events go everywhere").isTrue();
    }

    @Test
    void routesAreReadFromTheConfigurationAndAnUndeliverableTypeIsRefused() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("state", Map.of("type", "file", "path", "state.json"));
        tree.put("monitors", List.of(Map.of("id", "github-acme", "type", "github")));
        tree.put("notifiers", List.of(
                Map.of("id", "pager", "type", "pagerduty", "route", Map.of("minSeverity", "high")),
                Map.of("id", "slack", "type", "slack", "route", Map.of("minSeverity", "low")),
                Map.of("id", "siem", "type", "webhook")));

        Configuration configuration = Configuration.fromTree(tree, "mfa-monitor.yaml", Path.of("/tmp"), name -> null);

        assertThat(configuration.routes()).containsOnlyKeys("pager", "slack");
        assertThat(configuration.routes().get("pager").minSeverity()).contains(Severity.HIGH);
        assertThat(configuration.notifiers().get(0).has("route")).as("the provider never sees route:").isFalse();

        tree.put("notifiers", List.of(Map.of("id", "pager", "type", "pagerduty", "route", Map.of("minSeverity", "high"))));
        assertThatThrownBy(() -> Configuration.fromTree(tree, "mfa-monitor.yaml", Path.of("/tmp"), name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mfa-monitor.yaml: no notifier's route accepts events of type WEAK_MFA, "
                        + "CHANGES_WITHHELD, REMINDER, BASELINE of monitor 'github-acme': they could "
                        + "never be delivered. Widen a route, or add a notifier without one (a console or the webhook)");

        tree.put("notifiers", List.of(Map.of("id", "pager", "type", "pagerduty", "route", Map.of("minSeverity", "urgent"))));
        assertThatThrownBy(() -> Configuration.fromTree(tree, "mfa-monitor.yaml", Path.of("/tmp"), name -> null))
                .hasMessage("mfa-monitor.yaml: notifier 'pager': route: minSeverity 'urgent' is not a severity; use "
                        + "critical, high, medium, low or info");
        tree.put("notifiers", List.of(Map.of("id", "pager", "type", "pagerduty", "route", Map.of("monitors", List.of("aws")))));
        assertThatThrownBy(() -> Configuration.fromTree(tree, "mfa-monitor.yaml", Path.of("/tmp"), name -> null))
                .hasMessage("mfa-monitor.yaml: notifier 'pager': route: monitors: 'aws' is not a configured monitor; monitors: github-acme");
    }

    @Test
    void anEventNoRouteTakesIsNeverPending() {
        Route critical = new Route(Optional.of(Severity.CRITICAL), Set.of(), Set.of(), Set.of());
        Channel pager = new Channel();
        RunEngine engine = RunEngine.builder().stateStore(store).monitor("github-acme",
                        new Scripted().then(snapshot(0, member("1", MfaStatus.DISABLED))))
                .notifier("pagerduty", pager).route("pagerduty", critical).policy(Policy.defaults()).build();

        RunReport report = engine.run();

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(pager.attemptCount()).isZero();
        assertThat(store.entries()).isEmpty();
    }
}
