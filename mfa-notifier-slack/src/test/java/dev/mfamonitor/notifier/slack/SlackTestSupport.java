package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.slack.FakeSlack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds notifiers the way the runner does (a configuration block through the provider) against a {@link FakeSlack}. */
final class SlackTestSupport {
    private SlackTestSupport() {
    }

    /** A notifier block as YAML gives it, with {@code ${env:...}} resolved from {@code env}. */
    static YamlPluginConfig config(Map<String, ?> values, Map<String, String> env) {
        return new YamlPluginConfig("notifier", "security-slack", "slack", values, Path.of("").toAbsolutePath(), env::get);
    }

    /** {@code webhookUrl: ${env:SLACK_WEBHOOK}} and the extra keys. */
    static YamlPluginConfig webhookConfig(FakeSlack slack, Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>(extra);
        values.put("webhookUrl", "${env:SLACK_WEBHOOK}");
        return config(values, Map.of("SLACK_WEBHOOK", slack.webhookUrl()));
    }

    /** {@code token: ${env:SLACK_BOT_TOKEN}}, the fake's channel and API URL, and the extra keys. */
    static YamlPluginConfig botConfig(FakeSlack slack, Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>(extra);
        values.put("token", "${env:SLACK_BOT_TOKEN}");
        values.putIfAbsent("channel", slack.channel());
        values.put("apiUrl", slack.apiUrl());
        return config(values, Map.of("SLACK_BOT_TOKEN", slack.botToken()));
    }

    /** A context whose redactor knows the fake's webhook URL and bot token, as the engine's knows configured secrets. */
    static TestContext context(FakeSlack slack) {
        return TestContext.of("security-slack").withSecretValues(slack.webhookUrl(), slack.botToken());
    }

    /** Creates the notifier through the provider and checks, as the runner does, that every key was read. */
    static SlackNotifier create(YamlPluginConfig config, TestContext context) {
        SlackNotifier notifier = (SlackNotifier) new SlackNotifierProvider().create(config, context);
        config.requireAllUsed();
        return notifier;
    }

    static SlackNotifier create(YamlPluginConfig config, FakeSlack slack) {
        return create(config, context(slack));
    }

    static PluginConfig plain(Map<String, ?> values) {
        return config(values, Map.of());
    }
}
