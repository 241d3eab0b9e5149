package dev.mfamonitor.monitor.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.entra.FakeEntra;
import dev.mfamonitor.testkit.entra.FakeEntra.Kind;
import dev.mfamonitor.testkit.entra.TestCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Certificate credentials: the RS256 client assertion the fake verifies against the certificate's public key. */
class EntraCertificateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EntraFixture fixture = new EntraFixture();
    private final FakeEntra entra = fixture.entra;
    private final TestCertificate certificate = TestCertificate.validAround(fixture.context.now());

    @AfterEach
    void close() {
        fixture.close();
    }

    private EntraMonitor monitor(TestContext context, String pem) {
        fixture.environment.put("ENTRA_PEM", pem);
        Map<String, Object> values = new HashMap<>(fixture.config(Map.of()));
        values.remove("clientSecret");
        values.put("certificate", "${env:ENTRA_PEM}");
        return (EntraMonitor) new EntraMonitorProvider().create(fixture.yaml(values), context);
    }

    @Test
    void aCertificateSignsAnRs256AssertionWithTheThumbprintThatTheTokenEndpointAccepts() throws Exception {
        entra.users(3);
        entra.certificate(certificate.certificate());

        Snapshot snapshot = monitor(fixture.context, certificate.pem()).snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(3);
        assertThat(entra.receivedAssertions()).hasSize(1);
        String[] jwt = entra.receivedAssertions().get(0).split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("x5t").asText()).isEqualTo(certificate.thumbprint());
        assertThat(claims.path("aud").asText()).isEqualTo(entra.tokenUri().toString());
        assertThat(claims.path("iss").asText()).isEqualTo(EntraFixture.CLIENT);
        assertThat(claims.path("sub").asText()).isEqualTo(EntraFixture.CLIENT);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(600);
        assertThat(claims.path("iat").asLong()).isEqualTo(fixture.context.now().getEpochSecond());
        assertThat(entra.requests().get(0).body()).doesNotContain("client_secret");
    }

    @Test
    void anAssertionSignedByAnotherKeyIsRefusedWithAadsts700027() {
        entra.users(1);
        entra.certificate(TestCertificate.validAround(fixture.context.now(), 1).certificate());

        assertThatThrownBy(() -> monitor(fixture.context, certificate.pem()).snapshot(fixture.first()))
                .isInstanceOf(EntraException.class)
                .hasMessageContaining("AADSTS700027")
                .hasMessageContaining("the certificate (thumbprint x5t " + certificate.thumbprint() + ") is not accepted")
                .hasMessageContaining("upload the certificate");
    }

    @Test
    void aCertificateExpiredInTheAppRegistrationIsNamed() {
        entra.users(1);
        entra.certificate(certificate.certificate()).certificateExpired();

        assertThatThrownBy(() -> monitor(fixture.context, certificate.pem()).snapshot(fixture.first()))
                .hasMessageContaining("AADSTS700027").hasMessageContaining("replace it if it has expired");
    }

    @Test
    void anExpiredCertificateFailsBeforeAskingSayingWhenItExpired() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        TestCertificate old = TestCertificate.generate("old", start.minus(Duration.ofDays(400)), start.minus(Duration.ofDays(1)));
        entra.users(1);
        entra.certificate(old.certificate());

        assertThatThrownBy(() -> monitor(fixture.context, old.pem()).snapshot(fixture.first()))
                .isInstanceOf(EntraException.class)
                .hasMessageContaining("expired on 2025-12-31T00:00:00Z")
                .hasMessageContaining("create a new one, upload its public part to the app " + EntraFixture.CLIENT);
        assertThat(entra.count(Kind.TOKEN)).isZero();
    }

    @Test
    void aPemWithoutTheKeyOrWithAnotherCertificatesKeyIsAConfigurationErrorThatShowsNothingOfThePem() {
        String certificateOnly = certificate.pem().substring(0, certificate.pem().indexOf("-----BEGIN PRIVATE KEY"));
        assertThatThrownBy(() -> monitor(fixture.context, certificateOnly))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("certificate").hasMessageContaining("no -----BEGIN PRIVATE KEY-----");

        TestCertificate other = TestCertificate.validAround(fixture.context.now(), 1);
        String mismatched = certificateOnly + other.pem().substring(other.pem().indexOf("-----BEGIN PRIVATE KEY"));
        assertThatThrownBy(() -> monitor(fixture.context, mismatched))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not belong to the certificate")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(other.privateKeyBase64().substring(10, 40)));
    }
}
