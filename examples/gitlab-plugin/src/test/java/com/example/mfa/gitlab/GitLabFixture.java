package com.example.mfa.gitlab;

import java.time.Instant;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Secret;

import java.time.Duration;
import java.util.Optional;

/** Monitors over a {@link FakeGitLab}, with a context whose waits are recorded instead of slept. */
final class GitLabFixture {
    /** A canary: if it shows up in a message, a snapshot or a log, the token leaked. */
    static final String TOKEN = "glpat-CANARY-7f3a9c1e5b";

    private GitLabFixture() {
    }

    static GitLabMonitor monitor(FakeGitLab fake) {
        return monitor(fake, Optional.empty());
    }

    static GitLabMonitor groupMonitor(FakeGitLab fake, String group) {
        return monitor(fake, Optional.of(group));
    }

    static GitLabMonitor monitor(FakeGitLab fake, Optional<String> group) {
        GitLabSettings settings = new GitLabSettings(fake.url(), group, new Secret(TOKEN), Duration.ofSeconds(10));
        return new GitLabMonitor(settings, context());
    }

    /** A context whose redactor knows the token and whose sleeper only records. */
    static TestContext context() {
        return TestContext.at("gitlab-corp", Instant.now()).withSecretValues(TOKEN);
    }

    static ScanRequest firstRun() {
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(1), System::nanoTime));
    }
}
