package dev.mfamonitor.core.context;

import dev.mfamonitor.spi.Secret;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 item 17: a secret echoed in any form is redacted, in one place for every plugin. */
class SecretRedactorTest {
    private static final String URL = "https://hooks.slack.com/services/T0CANARY1/B0CANARY2/xoxCanarySecret42";
    private static final String TOKEN = "ghp_Canary/Token+Value=1234";

    private final SecretRedactor redactor = new SecretRedactor();

    SecretRedactorTest() {
        redactor.add(new Secret(URL));
        redactor.add(new Secret(TOKEN));
    }

    @Test
    void theSecretAsIs() {
        assertThat(redactor.redact("POST " + URL + " failed")).isEqualTo("POST **** failed");
        assertThat(redactor.redact("Authorization: token " + TOKEN)).isEqualTo("Authorization: token ****");
    }

    @Test
    void percentEncodedInEitherCase() {
        String upper = URLEncoder.encode(TOKEN, StandardCharsets.UTF_8);
        assertThat(redactor.redact("q=" + upper)).isEqualTo("q=****");
        assertThat(redactor.redact("q=" + upper.toLowerCase())).doesNotContain("Canary");
        assertThat(redactor.redact("q=" + URLEncoder.encode(URL, StandardCharsets.UTF_8))).isEqualTo("q=****");
    }

    @Test
    void jsonEscaped() {
        String echoed = "{\"url\":\"" + URL.replace("/", "\\/") + "\"}";
        assertThat(redactor.redact(echoed)).isEqualTo("{\"url\":\"****\"}");
    }

    @Test
    void base64() {
        String encoded = Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));
        assertThat(redactor.redact("Basic " + encoded)).isEqualTo("Basic ****");
    }

    @Test
    void aBarePathSegmentOrThePathOfASecretUrl() {
        assertThat(redactor.redact("no_service for /services/T0CANARY1/B0CANARY2/xoxCanarySecret42"))
                .isEqualTo("no_service for ****");
        assertThat(redactor.redact("unknown hook xoxCanarySecret42")).isEqualTo("unknown hook ****");
        // Short segments are words, not secrets.
        assertThat(redactor.redact("see /services for help")).isEqualTo("see /services for help");
    }

    @Test
    void aTextCutInsideASecretLosesTheCutPart() {
        String cut = ("body: " + TOKEN).substring(0, 6 + 12);
        assertThat(redactor.redact(cut)).isEqualTo("body: ****");
    }

    @Test
    void aPartOfASecretValueEchoedAlone() {
        SecretRedactor header = new SecretRedactor();
        header.add("Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature");
        header.add("svc-user:S3cretPassw0rd");

        assertThat(header.redact("invalid token eyJhbGciOiJIUzI1NiJ9.payload.signature")).isEqualTo("invalid token ****");
        assertThat(header.redact("password S3cretPassw0rd refused")).isEqualTo("password **** refused");
        assertThat(header.redact("Bearer realm=api")).isEqualTo("Bearer realm=api");
    }

    @Test
    void textWithoutSecretsIsUnchanged() {
        assertThat(redactor.redact("HTTP 503 Service Unavailable")).isEqualTo("HTTP 503 Service Unavailable");
        assertThat(redactor.redact(null)).isNull();
    }
}
