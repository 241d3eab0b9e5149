package dev.mfamonitor.core.context;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secret of a few kilobytes (a Google service account's JSON key with its PEM private key) is learnt and redacted
 * like a short one: no regex compiler stack overflow, whose message would spell the secret out.
 */
class LongSecretRedactionTest {

    private static String jsonKey() {
        byte[] der = new byte[1_217];
        new Random(7).nextBytes(der);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
        return "{\n  \"type\": \"service_account\",\n  \"private_key\": \"" + pem.replace("\n", "\\n")
                + "\",\n  \"client_email\": \"mfa@acme.iam.gserviceaccount.com\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n}\n";
    }

    @Test
    void aJsonKeyOfTwoKilobytesIsLearntAndRedactedAsWrittenEncodedAndEscaped() {
        String key = jsonKey();
        assertThat(key.length()).isGreaterThan(1_800);
        SecretRedactor redactor = new SecretRedactor();

        for (int i = 0; i < 20; i++) {
            redactor.add(key + i);      // every add compiles patterns; a stack overflow would show within a few
        }

        String json = key.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        assertThat(redactor.redact("key: " + key + "3 end")).isEqualTo("key: **** end");
        assertThat(redactor.redact("{\"echo\":\"" + json + "5\"}")).isEqualTo("{\"echo\":\"****\"}");
        assertThat(redactor.redact("a=" + URLEncoder.encode(key + "7", StandardCharsets.UTF_8) + "&b=1")).isEqualTo("a=****&b=1");
        assertThat(redactor.redact("b64 " + Base64.getEncoder().encodeToString((key + "9").getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("b64 ****");
    }
}
