package dev.mfamonitor.monitor.google;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.testkit.MonitorContract;
import org.junit.jupiter.api.AfterEach;

import java.util.Optional;

/** The engine's contract, over 1,201 users in three pages of the fake Directory API. */
class GoogleWorkspaceMonitorContractTest extends MonitorContract {
    private final GoogleFixture fixture = new GoogleFixture();

    GoogleWorkspaceMonitorContractTest() {
        fixture.fake.users(1_200);
        fixture.fake.userAt(7).enrolled(false);
        fixture.fake.userAt(9).suspended(true);
    }

    @AfterEach
    void stopFake() {
        fixture.close();
    }

    @Override
    protected Monitor createMonitor() {
        return fixture.monitor();
    }

    @Override
    protected void breakPartOfSource() {
        fixture.fake.failPage(3);
    }

    @Override
    protected boolean reportsProgress() {
        return true;
    }

    @Override
    protected Optional<String> secretCanary() {
        return Optional.of(fixture.keyJson());
    }

    @Override
    protected void makeSourceEchoTheSecret() {
        // Errors that quote the Authorization header, and enough of them that the scan fails on one.
        fixture.fake.echoCredentials(true).failNextList(100, "userRateLimitExceeded");
    }
}
