package dev.mfamonitor.core;

import dev.mfamonitor.spi.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Configuration#fromTree} on trees as a YAML parser produces them: every mistake a person makes in the file
 * fails with a message naming the file, the key and what to write instead.
 */
class ConfigurationTest {
    private static final String SOURCE = "mfa-monitor.yaml";

    @TempDir
    Path base;

    @Test
    void readsAWholeConfiguration() {
        Map<String, Object> tree = valid();
        tree.put("policy", map(
                "baseline", "summary",
                "remind", "7d",
                "monitorTimeout", "90s",
                "deliveryTimeout", "PT1M",
                "giveUpAfter", "48h",
                "guard", map("minChanges", 5, "fraction", "0.25"),
                "exceptions", List.of(map("monitor", "github-acme", "account", "deploy-bot", "reason", "machine user",
                        "expires", "2027-03-01"))));

        Configuration configuration = read(tree);

        assertThat(configuration.state().type()).isEqualTo("file");
        assertThat(configuration.monitors()).extracting(c -> c.id() + ":" + c.type()).containsExactly("github-acme:github", "aws-prod:aws");
        assertThat(configuration.notifiers()).extracting(c -> c.id() + ":" + c.type()).containsExactly("security-slack:slack");
        Policy policy = configuration.policy();
        assertThat(policy.remind()).contains(Duration.ofDays(7));
        assertThat(policy.monitorTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(policy.deliveryTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(policy.giveUpAfter()).isEqualTo(Duration.ofHours(48));
        assertThat(policy.guardMinChanges()).isEqualTo(5);
        assertThat(policy.guardFraction()).isEqualTo(0.25);
        assertThat(policy.exemptions()).containsExactly(
                new Exemption("github-acme", "deploy-bot", "machine user", Optional.of(LocalDate.of(2027, 3, 1))));
        // id and type are the configuration's, not the provider's: they are not handed on as keys to read.
        assertThat(configuration.monitors().get(0).unusedKeys()).containsExactly("organization");
    }

    @Test
    void withoutPolicyTheDefaultsApply() {
        assertThat(read(valid()).policy()).isEqualTo(Policy.defaults());
    }

    @Test
    void unknownTopLevelKey() {
        Map<String, Object> tree = valid();
        tree.put("notifier", List.of());

        assertThatThrownBy(() -> read(tree)).isInstanceOf(ConfigException.class)
                .hasMessage("mfa-monitor.yaml: unknown top-level key 'notifier'; known: monitors, notifiers, policy, state");
    }

    @Test
    void missingState() {
        Map<String, Object> tree = valid();
        tree.remove("state");

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: 'state' is required, for example state: { type: file, path: ./state/mfa-state.json }");
    }

    @Test
    void monitorWithoutId() {
        Map<String, Object> tree = valid();
        tree.put("monitors", List.of(map("id", "github-acme", "type", "github"), map("type", "aws", "roleArn", "arn:aws:iam::1:role/r")));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: monitors[1] (type aws) needs an 'id' of letters, digits, '.', '_' or '-'");
    }

    @Test
    void monitorWithAnIdThatIsNotOne() {
        Map<String, Object> tree = valid();
        tree.put("monitors", List.of(map("id", "github acme", "type", "github")));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: monitors[0] (type github) needs an 'id' of letters, digits, '.', '_' or '-';"
                        + " 'github acme' is not one");
    }

    @Test
    void duplicateIdAcrossMonitorsAndNotifiers() {
        Map<String, Object> tree = valid();
        tree.put("notifiers", List.of(map("id", "aws-prod", "type", "slack")));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: id 'aws-prod' is used twice; every monitor and notifier needs its own");
    }

    @Test
    void duplicateMonitorId() {
        Map<String, Object> tree = valid();
        tree.put("monitors", List.of(map("id", "github-acme", "type", "github"), map("id", "github-acme", "type", "github")));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: id 'github-acme' is used twice; every monitor and notifier needs its own");
    }

    @Test
    void exceptionNamingAnUnknownMonitor() {
        Map<String, Object> tree = valid();
        tree.put("policy", map("exceptions", List.of(
                map("monitor", "github-acme", "account", "deploy-bot", "reason", "machine user"),
                map("monitor", "github-acmee", "account", "ci-bot", "reason", "machine user"))));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: policy.exceptions[1]: monitor 'github-acmee' is not configured; monitors: aws-prod, github-acme");
    }

    @Test
    void exceptionWithABadExpiryDate() {
        Map<String, Object> tree = valid();
        tree.put("policy", map("exceptions", List.of(
                map("monitor", "github-acme", "account", "deploy-bot", "reason", "machine user", "expires", "2027-02-30"))));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: policy.exceptions[0]: expires '2027-02-30' is not a date; write it as YYYY-MM-DD");
    }

    @Test
    void exceptionWithoutAReason() {
        Map<String, Object> tree = valid();
        tree.put("policy", map("exceptions", List.of(map("monitor", "github-acme", "account", "deploy-bot"))));

        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.exceptions[0]: 'reason' is required");
    }

    @Test
    void badPolicyDuration() {
        Map<String, Object> tree = valid();
        tree.put("policy", map("remind", "weekly"));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: policy.remind: 'weekly' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");
    }

    @Test
    void zeroOrNegativePolicyDuration() {
        Map<String, Object> tree = valid();
        tree.put("policy", map("giveUpAfter", "0h"));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.giveUpAfter: '0h' must be longer than zero");

        tree.put("policy", map("monitorTimeout", "PT-5M"));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.monitorTimeout: 'PT-5M' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");

        tree.put("policy", map("monitorTimeout", "PT0S"));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.monitorTimeout: 'PT0S' must be longer than zero");
    }

    @Test
    void noNotifierIsAnErrorBecauseAlertsWouldHaveNowhereToGo() {
        Map<String, Object> tree = valid();
        tree.remove("notifiers");

        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: 'notifiers' must list at least one notifier; "
                + "without one, alerts would have nowhere to go (use type: console to print them)");
    }

    @Test
    void unknownPolicyKey() {
        Map<String, Object> tree = valid();
        tree.put("policy", map("giveUp", "72h"));

        assertThatThrownBy(() -> read(tree))
                .hasMessage("mfa-monitor.yaml: unknown key 'policy.giveUp'; known: baseline, deliveryTimeout, exceptions, giveUpAfter, "
                        + "guard, history, monitorTimeout, remind, retry");
    }

    @Test
    void policyHistoryTakesTheDurationSyntaxAndDefaultsTo400Days() {
        assertThat(read(valid()).policy().history()).isEqualTo(Duration.ofDays(400));

        Map<String, Object> tree = valid();
        tree.put("policy", map("history", "90d"));
        assertThat(read(tree).policy().history()).isEqualTo(Duration.ofDays(90));

        tree.put("policy", map("history", "a year"));
        assertThatThrownBy(() -> read(tree)).hasMessageStartingWith("mfa-monitor.yaml: policy.history: ");
        tree.put("policy", map("history", "0d"));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.history: '0d' must be longer than zero");
    }

    @Test
    void theDeliveryStagesRetryPolicyIsConfigurable() {
        Map<String, Object> tree = valid();
        tree.put("policy", map("retry", map("initialBackoff", "2s", "maxBackoff", "1m", "maxAttempts", "4", "grace", "10s")));

        assertThat(read(tree).policy().retry())
                .isEqualTo(new RetryPolicy(Duration.ofSeconds(2), Duration.ofMinutes(1), 4, Duration.ofSeconds(10)));
        assertThat(read(valid()).policy().retry()).isEqualTo(RetryPolicy.DEFAULT);

        tree.put("policy", map("retry", map("maxAttempts", "0")));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.retry.maxAttempts '0' must be a whole number from 1 to 100");
        tree.put("policy", map("retry", map("initialBackoff", "1m", "maxBackoff", "1s")));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.retry.maxBackoff (1s) must not be shorter than policy.retry.initialBackoff (1m)");
        tree.put("policy", map("retry", map("grace", "soon")));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: policy.retry.grace: 'soon' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");
        tree.put("policy", map("retry", map("tries", "3")));
        assertThatThrownBy(() -> read(tree)).hasMessage("mfa-monitor.yaml: unknown key 'policy.retry.tries'; known: grace, initialBackoff, maxAttempts, maxBackoff");
    }

    private Configuration read(Map<String, Object> tree) {
        return Configuration.fromTree(tree, SOURCE, base, name -> null);
    }

    /** The design's sketch, as a YAML parser would hand it over. */
    private static Map<String, Object> valid() {
        return map(
                "state", map("type", "file", "path", "./state/mfa-state.json"),
                "monitors", List.of(
                        map("id", "github-acme", "type", "github", "organization", "acme"),
                        map("id", "aws-prod", "type", "aws", "roleArn", "arn:aws:iam::123456789012:role/MfaMonitorReadOnly")),
                "notifiers", List.of(map("id", "security-slack", "type", "slack", "webhookUrl", "${file:/run/secrets/slack_webhook}")));
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
