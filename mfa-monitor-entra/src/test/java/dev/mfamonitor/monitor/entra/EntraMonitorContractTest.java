package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.testkit.MonitorContract;
import dev.mfamonitor.testkit.entra.FakeEntra.Kind;
import dev.mfamonitor.testkit.entra.FakeEntra.Reply;
import org.junit.jupiter.api.AfterEach;

/** The engine's expectations of every monitor, over a fake tenant of 250 users on three report pages. */
class EntraMonitorContractTest extends MonitorContract {
    private final EntraFixture fixture = new EntraFixture();

    {
        fixture.entra.users(250);
        fixture.entra.get(dev.mfamonitor.testkit.entra.FakeEntra.idOf(7)).withoutMfa();
        fixture.entra.reportPageSize(100);
    }

    @Override
    protected Monitor createMonitor() {
        return fixture.monitor();
    }

    @Override
    protected void breakPartOfSource() {
        // The third report page keeps failing with 503.
        fixture.entra.script(r -> r.kind() == Kind.REPORT && !r.param("$skiptoken").isEmpty()
                && !r.param("$skiptoken").equals(secondPageToken()), -1, Reply.unavailable());
    }

    private String secondPageToken() {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("\n100".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    protected boolean reportsProgress() {
        return true;
    }

    @Override
    protected java.util.Optional<String> secretCanary() {
        return java.util.Optional.of(EntraFixture.SECRET);
    }

    /**
     * Graph refuses the access token (so the monitor asks for a new one) and the token endpoint then answers quoting
     * the request it got, client secret included.
     */
    @Override
    protected void makeSourceEchoTheSecret() {
        fixture.entra.script(r -> r.kind() != Kind.TOKEN, -1,
                Reply.graphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."));
        fixture.entra.script(r -> r.kind() == Kind.TOKEN, -1, request -> new Reply(400, java.util.Map.of(),
                "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900999: bad request "
                        + request.body().replace("\"", "'") + "\",\"error_codes\":[900999]}"));
    }

    @AfterEach
    void stopFake() {
        fixture.close();
    }
}
