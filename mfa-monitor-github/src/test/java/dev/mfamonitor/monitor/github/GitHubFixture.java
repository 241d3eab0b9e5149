package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Builds monitors the way the runner does: through the provider, from a configuration block, token from the environment. */
final class GitHubFixture {
    /** A canary: if it shows up in a message, a fact or a log line, the token leaked. */
    static final String TOKEN = "ghp_CANARY0123456789abcdefTOKEN";
    static final String ORG = "acme";

    private GitHubFixture() {
    }

    static PluginConfig config(FakeGitHub fake, Map<String, Object> extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("organization", ORG);
        values.put("token", "${env:GITHUB_TOKEN}");
        values.put("endpoint", fake.endpoint());
        values.putAll(extra);
        return new PluginConfig("monitor", "github-acme", "github", values, Path.of("."),
                name -> name.equals("GITHUB_TOKEN") ? TOKEN : null);
    }

    static Monitor monitor(FakeGitHub fake) {
        return monitor(fake, Map.of());
    }

    static Monitor monitor(FakeGitHub fake, Map<String, Object> extra) {
        PluginConfig config = config(fake, extra);
        Monitor monitor = new GitHubMonitorProvider().create(config);
        config.requireAllUsed();
        return monitor;
    }

    static ScanRequest first() {
        return new ScanRequest(Optional.empty(), true, Instant.now().plus(Duration.ofMinutes(2)));
    }

    static ScanRequest after(Snapshot previous) {
        return new ScanRequest(Optional.of(previous), false, Instant.now().plus(Duration.ofMinutes(2)));
    }

    static ScanRequest after(Snapshot previous, Duration deadlineIn) {
        return new ScanRequest(Optional.of(previous), false, Instant.now().plus(deadlineIn));
    }

    static int pages(int n) {
        return Math.max(1, (n + 99) / 100);
    }
}
