package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.testkit.MonitorContract;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.Reply;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.Optional;

import static dev.mfamonitor.monitor.github.GitHubFixture.ORG;
import static dev.mfamonitor.monitor.github.GitHubFixture.TOKEN;

/** The GitHub monitor against mfa-testkit's monitor contract: 250 members (three pages) and two outside collaborators. */
class GitHubMonitorContractTest extends MonitorContract {
    private final FakeGitHub fake;
    private final GitHubFixture fx;

    GitHubMonitorContractTest() throws Exception {
        fake = FakeGitHub.start(ORG).token(TOKEN, true);
        for (int id = 1; id <= 250; id++) {
            fake.member(id, "user" + id, id % 50 == 0 ? TwoFactor.DISABLED : id % 70 == 0 ? TwoFactor.INSECURE
                    : TwoFactor.ENABLED, id <= 2);
        }
        fake.outsideCollaborator(9001, "contractor", TwoFactor.DISABLED).outsideCollaborator(9002, "agency", TwoFactor.ENABLED);
        fx = new GitHubFixture(fake);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Override
    protected Monitor createMonitor() {
        return fx.monitor();
    }

    @Override
    protected ScanRequest firstRun() {
        return fx.first(Duration.ofMinutes(1));
    }

    /** Page 2 of the full member list keeps failing. */
    @Override
    protected void breakPartOfSource() {
        fake.script(r -> r.path().equals("/orgs/acme/members") && r.param("filter").equals("all") && r.page() == 2, -1,
                Reply.error(502, "Server Error"));
    }

    @Override
    protected boolean reportsProgress() {
        return true;
    }

    @Override
    protected Optional<String> secretCanary() {
        return Optional.of(TOKEN);
    }

    /** Every answer is a 500 that quotes the Authorization header. */
    @Override
    protected void makeSourceEchoTheSecret() {
        fake.script(r -> true, -1, Reply.echoingAuthorization(500));
    }
}
