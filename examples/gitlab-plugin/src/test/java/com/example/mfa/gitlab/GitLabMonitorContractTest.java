package com.example.mfa.gitlab;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.testkit.MonitorContract;
import org.junit.jupiter.api.AfterEach;

import java.util.Optional;

/** The GitLab monitor against mfa-testkit's monitor contract: 250 users on three pages of a fake GitLab. */
class GitLabMonitorContractTest extends MonitorContract {
    private final FakeGitLab gitlab;

    GitLabMonitorContractTest() throws Exception {
        gitlab = FakeGitLab.start(GitLabFixture.TOKEN).users(250);
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    @Override
    protected Monitor createMonitor() {
        return GitLabFixture.monitor(gitlab);
    }

    /** Page 2 of the users answers 500 every time, more often than the monitor retries. */
    @Override
    protected void breakPartOfSource() {
        gitlab.failPage(2, 500, 500, 500, 500, 500, 500);
    }

    @Override
    protected Optional<String> secretCanary() {
        return Optional.of(GitLabFixture.TOKEN);
    }

    /** Every error body quotes the token GitLab was sent. */
    @Override
    protected void makeSourceEchoTheSecret() {
        gitlab.echoTokenInErrors(true).failPage(1, 401, 401, 401, 401, 401, 401);
    }
}
