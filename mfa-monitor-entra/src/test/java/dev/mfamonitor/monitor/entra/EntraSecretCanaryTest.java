package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.LogCapture;
import dev.mfamonitor.testkit.entra.FakeEntra;
import dev.mfamonitor.testkit.entra.FakeEntra.Kind;
import dev.mfamonitor.testkit.entra.FakeEntra.Reply;
import dev.mfamonitor.testkit.entra.TestCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client secret, the certificate's key, the client assertion and the access token never reach a message, a log
 * line or a snapshot, even when a server echoes them back.
 */
class EntraSecretCanaryTest {
    private final EntraFixture fixture = new EntraFixture();
    private final FakeEntra entra = fixture.entra;

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Runs the scan with every log line captured; returns the snapshot or failure text, then the log. */
    private List<String> outputsOf(EntraMonitor monitor) throws Exception {
        List<String> outputs = new ArrayList<>();
        try (LogCapture log = LogCapture.start()) {
            assertThat(log.active()).as("Logback captures the log").isTrue();
            try {
                Snapshot snapshot = monitor.snapshot(fixture.first());
                outputs.add(snapshot.toString());
            } catch (EntraException e) {
                outputs.add(e.toString());
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    outputs.add(cause.toString());
                }
            }
            outputs.add(String.join("\n", log.lines()));
        }
        return outputs;
    }

    private static void assertClean(List<String> outputs, List<String> secrets) {
        assertThat(secrets).allSatisfy(secret -> assertThat(secret).isNotBlank());
        for (String output : outputs) {
            for (String secret : secrets) {
                assertThat(output).doesNotContain(secret)
                        .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aTokenEndpointThatEchoesTheSecretDoesNotLeakIt() throws Exception {
        entra.users(2);
        entra.script(r -> r.kind() == Kind.TOKEN, -1, request -> new Reply(400, Map.of(), "{\"error\":\"invalid_request\","
                + "\"error_description\":\"AADSTS900999: bad request " + request.body().replace("\"", "'") + "\","
                + "\"error_codes\":[900999]}"));

        List<String> outputs = outputsOf(fixture.monitor());

        assertThat(outputs.get(0)).contains("AADSTS900999");
        assertClean(outputs, List.of(EntraFixture.SECRET));
    }

    @Test
    void aGraphThatEchoesTheAccessTokenInAnErrorDoesNotLeakIt() throws Exception {
        entra.users(2);
        entra.script(r -> r.kind() == Kind.USERS, -1, request -> Reply.graphError(400, "BadRequest",
                "bad token " + request.bearer().orElse("") + " for " + request));

        List<String> outputs = outputsOf(fixture.monitor());

        assertThat(outputs.get(0)).contains("400 BadRequest").contains("bad token ****");
        assertClean(outputs, entra.issuedTokens());
        assertClean(outputs, List.of(EntraFixture.SECRET));
    }

    @Test
    void aPolicyEndpointThatEchoesTheTokenInItsRefusalDoesNotLeakItToTheLogOrTheSnapshot() throws Exception {
        entra.users(2);
        entra.script(r -> r.kind() == Kind.SECURITY_DEFAULTS, -1, request -> Reply.graphError(403, "AccessDenied",
                "required scopes are missing in the token " + request.bearer().orElse("")));

        List<String> outputs = outputsOf(fixture.monitor());

        assertThat(outputs.get(1)).contains("Policy.Read.All");
        assertClean(outputs, entra.issuedTokens());
    }

    @Test
    void aTokenEndpointThatEchoesTheClientAssertionDoesNotLeakItOrTheKey() throws Exception {
        TestCertificate certificate = TestCertificate.validAround(fixture.context.now());
        entra.users(2);
        entra.certificate(certificate.certificate());
        entra.script(r -> r.kind() == Kind.TOKEN, -1, request -> new Reply(401, Map.of(), "{\"error\":\"invalid_client\","
                + "\"error_description\":\"AADSTS700099: no " + request.body() + "\",\"error_codes\":[700099]}"));
        fixture.environment.put("ENTRA_PEM", certificate.pem());
        Map<String, Object> values = new HashMap<>(fixture.config(Map.of()));
        values.remove("clientSecret");
        values.put("certificate", "${env:ENTRA_PEM}");
        EntraMonitor monitor = (EntraMonitor) new EntraMonitorProvider().create(fixture.yaml(values), fixture.context);

        List<String> outputs = outputsOf(monitor);

        assertThat(outputs.get(0)).contains("AADSTS700099");
        assertClean(outputs, entra.receivedAssertions());
        String key = certificate.privateKeyBase64();
        assertClean(outputs, List.of(key.substring(0, 40), key.substring(key.length() / 2, key.length() / 2 + 40)));
    }

    @Test
    void aSuccessfulScanCarriesNoCredentialInTheSnapshotAndNoGraphRequestCarriesTheSecret() throws Exception {
        entra.users(250);

        List<String> outputs = outputsOf(fixture.monitor());

        assertClean(outputs, entra.issuedTokens());
        assertClean(outputs, List.of(EntraFixture.SECRET));
        assertThat(entra.requests()).filteredOn(r -> r.kind() != Kind.TOKEN)
                .allSatisfy(r -> assertThat(r.toString() + r.body()).doesNotContain(EntraFixture.SECRET));
    }
}
