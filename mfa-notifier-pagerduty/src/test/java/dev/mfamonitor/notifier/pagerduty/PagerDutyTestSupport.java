package dev.mfamonitor.notifier.pagerduty;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds notifiers the way the runner does (a configuration block through the provider) against a {@link FakePagerDuty}. */
final class PagerDutyTestSupport {
    /** A routing key as PagerDuty issues them: 32 characters. */
    static final String ROUTING_KEY = "R0UT1NGk3y0f32charsXXXXXXXXXXXXX";

    private PagerDutyTestSupport() {
    }

    /** A notifier block as YAML gives it, with {@code ${env:...}} resolved from {@code env}. */
    static YamlPluginConfig config(Map<String, ?> values, Map<String, String> env) {
        return new YamlPluginConfig("notifier", "pager", "pagerduty", values, Path.of("").toAbsolutePath(), env::get);
    }

    /** {@code routingKey: ${env:PD_ROUTING_KEY}} (the fake's key), {@code endpoint:} the fake, and the extra keys. */
    static YamlPluginConfig config(FakePagerDuty pagerDuty, String routingKey, Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>(extra);
        values.put("routingKey", "${env:PD_ROUTING_KEY}");
        values.putIfAbsent("endpoint", pagerDuty.endpoint());
        return config(values, Map.of("PD_ROUTING_KEY", routingKey));
    }

    /** A context whose redactor knows the routing key, as the engine's knows every configured secret. */
    static TestContext context(String routingKey) {
        return TestContext.of("pager").withSecretValues(routingKey);
    }

    /** Creates the notifier through the provider and checks, as the runner does, that every key was read. */
    static PagerDutyNotifier create(YamlPluginConfig config, TestContext context) {
        PagerDutyNotifier notifier = (PagerDutyNotifier) new PagerDutyNotifierProvider().create(config, context);
        config.requireAllUsed();
        return notifier;
    }

    static PagerDutyNotifier create(FakePagerDuty pagerDuty, Map<String, ?> extra) {
        return create(config(pagerDuty, ROUTING_KEY, extra), context(ROUTING_KEY));
    }
}
