package dev.mfamonitor.monitor.google;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The service account's key, its private key, the signed assertion and the access token never reach a message, even
 * when a server echoes them back, and a broken key is described without any of its content.
 */
class SecretCanaryTest {
    private static final String CANARY = "canary-5be1d0a7c93f";
    private final GoogleFixture fixture = new GoogleFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Every secret there is: the whole key, the PEM, its body lines, every assertion and token the fake saw. */
    private List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        secrets.add(fixture.keyJson());
        secrets.add(fixture.fake.privateKeyPem());
        for (String line : fixture.fake.privateKeyPem().split("\n")) {
            if (!line.startsWith("-----")) {
                secrets.add(line.substring(0, 20));
            }
        }
        for (String assertion : fixture.fake.assertions()) {
            secrets.add(assertion);
            secrets.add(assertion.substring(assertion.lastIndexOf('.') + 1, assertion.lastIndexOf('.') + 30));
        }
        for (String token : fixture.fake.issuedTokens()) {
            secrets.add(token);
            secrets.add(token.substring("ya29.c.".length(), "ya29.c.".length() + 24));
        }
        return secrets;
    }

    private void assertClean(String text) {
        assertThat(text).isNotBlank();
        for (String secret : secrets()) {
            assertThat(text).doesNotContain(secret);
        }
    }

    @Test
    void anEchoedAssertionNeverReachesTheMessage() throws Exception {
        fixture.fake.users(3).delegationGranted(true).echoCredentials(true);
        fixture.set("adminEmail", "nobody@acme.example");

        Throwable failure = catchThrowable(() -> fixture.monitor().snapshot(fixture.first()));

        assertThat(fixture.fake.assertions()).hasSize(1);
        assertThat(failure.getMessage()).contains("(assertion ****)");
        assertClean(failure.getMessage());
        assertThat(failure.getCause()).isNull();
    }

    @Test
    void anEchoedAccessTokenNeverReachesTheMessage() throws Exception {
        fixture.fake.users(3).echoCredentials(true).adminCanReadUsers(false);

        Throwable failure = catchThrowable(() -> fixture.monitor().snapshot(fixture.first()));

        assertThat(fixture.fake.issuedTokens()).hasSize(1);
        assertThat(failure.getMessage()).contains("(you sent Authorization: Bearer ****)");
        assertClean(failure.getMessage());
    }

    @Test
    void anEchoedTokenInAQuotaAnswerThatOutlastsTheRetriesNeverReachesTheMessage() throws Exception {
        fixture.fake.users(3).echoCredentials(true).failNextList(100, "userRateLimitExceeded");

        Throwable failure = catchThrowable(() -> fixture.monitor().snapshot(fixture.first()));

        assertThat(failure.getMessage()).contains("userRateLimitExceeded").contains("Bearer ****");
        assertClean(failure.getMessage());
    }

    @Test
    void aHealthySnapshotHoldsNoSecret() throws Exception {
        fixture.fake.users(3);

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertClean(snapshot.toString());
        assertThat(fixture.fake.issuedTokens()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\": \"service_account\", \"client_email\": \"" + CANARY + "\"",            // cut short
            "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + CANARY + "\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"a@b.iam.gserviceaccount.com\"}",
            "{\"type\": \"" + CANARY + "\"}",
            "{\"type\": \"service_account\", \"client_email\": \"" + CANARY + "@x.iam\", \"client_id\": \"" + CANARY + "\"}",
            "not json " + CANARY,
            "{\"type\": \"service_account\", \"client_email\": \"a@b.iam.gserviceaccount.com\", \"private_key\": \"-----BEGIN RSA PRIVATE KEY-----\\n" + CANARY + "\\n-----END RSA PRIVATE KEY-----\\n\"}",
    })
    void anInvalidKeyIsDescribedWithoutItsContent(String key) {
        fixture.key(key);

        Throwable failure = catchThrowable(fixture::monitor);

        assertThat(failure).isInstanceOf(ConfigException.class);
        assertThat(failure.getMessage()).startsWith("monitor 'workspace-acme' (type google-workspace): property "
                + "'serviceAccountKey'").doesNotContain(CANARY).doesNotContain("canary");
        assertThat(failure.getCause()).isNull();
    }
}
