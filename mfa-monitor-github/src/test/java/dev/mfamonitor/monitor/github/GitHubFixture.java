package dev.mfamonitor.monitor.github;

import java.time.Instant;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.testkit.TestContext;
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
    /** A token the fakes may accept as a member's who is not an owner; {@code ${env:MEMBER_TOKEN}}. */
    static final String MEMBER_TOKEN = "ghp_member_only";

    final FakeGitHub fake;
    final TestContext context;

    GitHubFixture(FakeGitHub fake) {
        this(fake, TOKEN);
    }

    GitHubFixture(FakeGitHub fake, String... secrets) {
        this.fake = fake;
        this.context = TestContext.at("github-acme", Instant.now()).withSecretValues(secrets);
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
        return config(values, name -> name.equals("GITHUB_TOKEN") ? TOKEN : name.equals("MEMBER_TOKEN") ? MEMBER_TOKEN : null);
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
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(2), context.nanoTime()));
    }

    ScanRequest first(Duration deadlineIn) {
        return new ScanRequest(Optional.empty(), true, Deadline.after(deadlineIn, context.nanoTime()));
    }

    ScanRequest after(Snapshot previous) {
        return new ScanRequest(Optional.of(previous), false, Deadline.after(Duration.ofMinutes(2), context.nanoTime()));
    }

    ScanRequest after(Snapshot previous, Duration deadlineIn) {
        return new ScanRequest(Optional.of(previous), false, Deadline.after(deadlineIn, context.nanoTime()));
    }

    static int pages(int n) {
        return Math.max(1, (n + 99) / 100);
    }
}
