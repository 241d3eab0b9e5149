package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.LogCapture;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;
import dev.mfamonitor.testkit.okta.FakeOkta.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API token, the private key, the client assertion and the access tokens never reach a message, a stack trace, a
 * log line or a snapshot (the monitor's state), as is or URL-encoded, base64-encoded or JSON-escaped, even when Okta or
 * its token endpoint echoes them back.
 */
class OktaSecretCanaryTest {
    private final OktaFixture fixture = new OktaFixture();
    private final FakeOkta okta = fixture.okta;

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Runs a full scan and a steady-state one with every log line captured; the snapshots or failures, then the log. */
    private List<String> outputsOf(OktaMonitor monitor) throws Exception {
        List<String> outputs = new ArrayList<>();
        try (LogCapture log = LogCapture.start()) {
            assertThat(log.active()).as("Logback captures the log").isTrue();
            Snapshot previous = null;
            for (int run = 0; run < 2; run++) {
                try {
                    Snapshot snapshot = monitor.snapshot(previous == null ? fixture.first() : fixture.after(previous));
                    outputs.add(snapshot.toString());
                    previous = snapshot;
                } catch (OktaException e) {
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    outputs.add(e.getMessage());
                    outputs.add(trace.toString());
                }
            }
            outputs.add(monitor.toString());
            outputs.add(String.join("\n", log.lines()));
        }
        return outputs;
    }

    private static void assertClean(List<String> outputs, List<String> secrets) {
        assertThat(secrets).allSatisfy(secret -> assertThat(secret).hasSizeGreaterThan(15));
        for (String output : outputs) {
            for (String secret : secrets) {
                assertThat(output)
                        .doesNotContain(secret)
                        .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8))
                        .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))
                        .doesNotContain(secret.replace("/", "\\/"))
                        .doesNotContain(secret.substring(0, secret.length() / 2));
            }
        }
    }

    @Test
    void anOktaThatEchoesTheApiTokenInEveryFormDoesNotLeakIt() throws Exception {
        okta.users(3);
        okta.script(r -> r.kind() == Kind.FACTORS, -1, request -> {
            String header = request.authorization();
            return Reply.error(400, "E0000001", "bad header " + header + " encoded "
                    + URLEncoder.encode(header, StandardCharsets.UTF_8) + " b64 "
                    + Base64.getEncoder().encodeToString(OktaFixture.TOKEN.getBytes(StandardCharsets.UTF_8)));
        });

        List<String> outputs = outputsOf(fixture.monitor());

        assertThat(outputs.get(0)).contains("E0000001").contains("bad header SSWS ****");
        assertClean(outputs, List.of(OktaFixture.TOKEN));
    }

    @Test
    void aHealthyScanCarriesNoCredentialInItsSnapshotAndSendsTheTokenOnlyInTheAuthorizationHeader() throws Exception {
        okta.users(250);

        List<String> outputs = outputsOf(fixture.monitor());

        assertClean(outputs, List.of(OktaFixture.TOKEN));
        assertThat(okta.requests()).allSatisfy(r -> {
            assertThat(r.authorization()).isEqualTo("SSWS " + OktaFixture.TOKEN);
            assertThat(r.toString() + r.body()).doesNotContain(OktaFixture.TOKEN);
        });
    }

    @Test
    void aTokenEndpointThatEchoesTheClientAssertionDoesNotLeakItOrThePrivateKey() throws Exception {
        okta.users(2);
        OktaMonitor monitor = fixture.monitor(fixture.serviceAppConfig(Map.of()));
        okta.script(r -> r.kind() == Kind.TOKEN, -1, request -> new Reply(401, Map.of(),
                "{\"error\":\"invalid_client\",\"error_description\":\"bad request " + request.body() + "\"}"));

        List<String> outputs = outputsOf(monitor);

        assertThat(outputs.get(0)).contains("invalid_client");
        assertClean(outputs, okta.receivedAssertions());
        String key = Base64.getEncoder().encodeToString(OktaFixture.keys().getPrivate().getEncoded());
        assertClean(outputs, List.of(key.substring(0, 64), key.substring(key.length() / 2, key.length() / 2 + 64)));
    }

    @Test
    void anApiThatEchoesTheAccessTokenDoesNotLeakIt() throws Exception {
        okta.users(2);
        OktaMonitor monitor = fixture.monitor(fixture.serviceAppConfig(Map.of()));
        okta.script(r -> r.kind() == Kind.FACTORS, -1, request -> Reply.error(400, "E0000001",
                "bad token " + request.authorization()));

        List<String> outputs = outputsOf(monitor);

        assertThat(outputs.get(0)).contains("bad token Bearer ****");
        assertThat(okta.issuedTokens()).isNotEmpty();
        assertClean(outputs, okta.issuedTokens());
    }
}
