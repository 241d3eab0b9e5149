package dev.mfamonitor.monitor.github;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Builds monitors the way the runner does: through the provider, from a configuration block, the token from the
 * environment, with a context whose time the test owns (waits are recorded, never slept).
 */
final class GitHubFixture {
    /** A canary: if it shows up in a message, a fact or a log line, the token leaked. */
    static final String TOKEN = "ghp_CANARY0123456789abcdefTOKEN";
    static final String ORG = "acme";

    final FakeGitHub fake;
    final ManualContext context;

    GitHubFixture(FakeGitHub fake) {
        this(fake, TOKEN);
    }

    GitHubFixture(FakeGitHub fake, String... secrets) {
        this.fake = fake;
        this.context = new ManualContext("github-acme", secrets);
    }

    static YamlPluginConfig config(Map<String, Object> values, UnaryOperator<String> environment) {
        return new YamlPluginConfig("monitor", "github-acme", "github", values, Path.of("."), environment);
    }

    YamlPluginConfig config(Map<String, Object> extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("organization", ORG);
        values.put("token", "${env:GITHUB_TOKEN}");
        values.put("endpoint", fake.endpoint());
        values.putAll(extra);
        return config(values, name -> name.equals("GITHUB_TOKEN") ? TOKEN : null);
    }

    Monitor monitor() {
        return monitor(Map.of());
    }

    Monitor monitor(Map<String, Object> extra) {
        return create(config(extra));
    }

    Monitor create(YamlPluginConfig config) {
        Monitor monitor = new GitHubMonitorProvider().create(config, context);
        config.requireAllUsed();
        return monitor;
    }

    ScanRequest first() {
        return new ScanRequest(Optional.empty(), true, context.deadline(Duration.ofMinutes(2)));
    }

    ScanRequest first(Duration deadlineIn) {
        return new ScanRequest(Optional.empty(), true, context.deadline(deadlineIn));
    }

    ScanRequest after(Snapshot previous) {
        return new ScanRequest(Optional.of(previous), false, context.deadline(Duration.ofMinutes(2)));
    }

    ScanRequest after(Snapshot previous, Duration deadlineIn) {
        return new ScanRequest(Optional.of(previous), false, context.deadline(deadlineIn));
    }

    static int pages(int n) {
        return Math.max(1, (n + 99) / 100);
    }
}
