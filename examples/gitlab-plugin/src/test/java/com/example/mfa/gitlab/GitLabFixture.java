package com.example.mfa.gitlab;

import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Secret;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Monitors over a {@link FakeGitLab}, with retries that do not wait long. */
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
        return new GitLabMonitor(settings, Clock.systemUTC(), new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    static ScanRequest firstRun() {
        return new ScanRequest(Optional.empty(), true, Instant.now().plus(Duration.ofMinutes(1)));
    }
}
