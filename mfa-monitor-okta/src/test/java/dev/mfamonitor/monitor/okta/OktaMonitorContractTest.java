package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.testkit.MonitorContract;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;
import dev.mfamonitor.testkit.okta.FakeOkta.Reply;
import org.junit.jupiter.api.AfterEach;

import java.util.Optional;

/** The engine's expectations of every monitor, over a fake org of 250 users on two pages, one admin, one without MFA. */
class OktaMonitorContractTest extends MonitorContract {
    private final OktaFixture fixture = new OktaFixture();

    {
        fixture.okta.users(250);
        fixture.okta.get(FakeOkta.idOf(7)).clearFactors();
        fixture.okta.get(FakeOkta.idOf(1)).admin(true);
    }

    @Override
    protected Monitor createMonitor() {
        return fixture.monitor();
    }

    @Override
    protected void breakPartOfSource() {
        // The second page of users keeps failing with 503.
        fixture.okta.script(r -> r.kind() == Kind.USERS && !r.param("after").isEmpty(), -1, Reply.unavailable());
    }

    @Override
    protected Optional<String> secretCanary() {
        return Optional.of(OktaFixture.TOKEN);
    }

    /** Every API request is answered 401 quoting the Authorization header it came with. */
    @Override
    protected void makeSourceEchoTheSecret() {
        fixture.okta.script(r -> r.kind() != Kind.TOKEN, -1, request -> Reply.error(401, "E0000011",
                "Invalid token provided: " + request.authorization()));
    }

    @AfterEach
    void stopFake() {
        fixture.close();
    }
}
