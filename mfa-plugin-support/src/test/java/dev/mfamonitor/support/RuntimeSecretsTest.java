package dev.mfamonitor.support;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeSecretsTest {
    private static final String TOKEN = "ya29.runtime/token+made=at-run";

    @Test
    void aLearnedSecretIsMaskedAsItselfUrlEncodedAndBase64ThenTheEnginesRedactorRuns() {
        RuntimeSecrets secrets = new RuntimeSecrets(text -> text.replace("configured-key", "****"));
        secrets.addAll(List.of(TOKEN, "short"));
        String base64 = Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));

        assertThat(secrets.redact("a " + TOKEN + " b " + java.net.URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)
                + " c " + base64 + " d configured-key e short"))
                .isEqualTo("a **** b **** c **** d **** e short");
        assertThat(secrets.redact(null)).isNull();
    }

    @Test
    void aQuoteIsRedactedOnOneLineWithoutControlCharactersAndCut() {
        RuntimeSecrets secrets = new RuntimeSecrets(text -> text);
        secrets.add(TOKEN);

        assertThat(secrets.quote("denied\r\n\u001b[31m" + TOKEN + "\u202e")).isEqualTo("denied[31m****");
        assertThat(secrets.quote("x".repeat(400))).hasSize(RuntimeSecrets.MAX_QUOTED + 3).endsWith("...");
    }
}
