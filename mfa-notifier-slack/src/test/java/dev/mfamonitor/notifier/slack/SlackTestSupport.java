package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.testkit.slack.FakeSlack;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds notifiers the way the runner does (a configuration block through the provider) against a {@link FakeSlack}. */
final class SlackTestSupport {
    private SlackTestSupport() {
    }

    /** A notifier block as YAML gives it, with {@code ${env:...}} resolved from {@code env}. */
    static PluginConfig config(Map<String, ?> values, Map<String, String> env) {
        return new PluginConfig("notifier", "security-slack", "slack", values, Path.of("").toAbsolutePath(), env::get);
    }

    /** {@code webhookUrl: ${env:SLACK_WEBHOOK}} and the extra keys. */
    static PluginConfig webhookConfig(FakeSlack slack, Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>(extra);
        values.put("webhookUrl", "${env:SLACK_WEBHOOK}");
        return config(values, Map.of("SLACK_WEBHOOK", slack.webhookUrl()));
    }

    /** {@code token: ${env:SLACK_BOT_TOKEN}}, the fake's channel and API URL, and the extra keys. */
    static PluginConfig botConfig(FakeSlack slack, Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>(extra);
        values.put("token", "${env:SLACK_BOT_TOKEN}");
        values.putIfAbsent("channel", slack.channel());
        values.put("apiUrl", slack.apiUrl());
        return config(values, Map.of("SLACK_BOT_TOKEN", slack.botToken()));
    }

    /** Retries that wait no time and remember each wait they were asked for. */
    static final class RecordingRetries {
        final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
        final SlackNotifier.Retries retries;

        RecordingRetries(Backoff backoff, int maxAttempts) {
            this.retries = new SlackNotifier.Retries(backoff, maxAttempts, (delay, deadline) -> {
                waits.add(delay);
                return true;
            });
        }

        /** 1 ms doubling to 5 ms, so that the delays of a test are short and known to be backoff, not Retry-After. */
        static RecordingRetries fast(int maxAttempts) {
            return new RecordingRetries(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), maxAttempts);
        }
    }

    static SlackNotifier create(PluginConfig config, SlackNotifier.Retries retries) {
        SlackNotifier notifier = SlackNotifierProvider.create(config, retries, Clock.systemUTC());
        config.requireAllUsed();
        return notifier;
    }
}
