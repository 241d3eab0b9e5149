package dev.mfamonitor.monitor.google;

import dev.mfamonitor.spi.Monitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a person reads when Google refuses: what happened and what to change, in Google's words and ours. */
class GoogleWorkspaceErrorsTest {
    private final GoogleFixture fixture = new GoogleFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void delegationNotGrantedNamesTheClientIdAndTheScopeToGrant() throws Exception {
        fixture.fake.users(3).delegationGranted(false);

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .hasMessage("Google refused a token for service account " + fixture.fake.clientEmail() + " acting as "
                        + fixture.fake.adminEmail() + " (401 unauthorized_client): domain-wide delegation is not granted. "
                        + "In the Admin console (Security > Access and data control > API controls > Manage Domain Wide "
                        + "Delegation) add client ID " + fixture.fake.clientId() + " with the scope "
                        + "https://www.googleapis.com/auth/admin.directory.user.readonly (a new grant can take a few "
                        + "minutes to work)");
        assertThat(fixture.fake.tokenRefusals()).containsExactly("delegation");
        assertThat(fixture.fake.tokenRequests()).as("a refusal is not retried").isEqualTo(1);
    }

    @Test
    void notAuthorizedListsTheCausesGoogleDoesNotName() throws Exception {
        fixture.fake.users(3).adminCanReadUsers(false);

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .hasMessageStartingWith("Google answered 403 forbidden 'Not Authorized to access this resource/api' for "
                        + "users.list page 1 of customer my_customer as " + fixture.fake.adminEmail()
                        + ". Google does not say why; the possible causes are: ")
                .hasMessageContaining("no 'sub'")
                .hasMessageContaining("Users > Read")
                .hasMessageContaining("another customer")
                .hasMessageContaining("use my_customer");
    }

    @Test
    void anotherCustomersIdGetsTheSameListOfCauses() throws Exception {
        fixture.fake.users(3);
        fixture.set("customer", "C0999zzzz");

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .hasMessageContaining("403 forbidden 'Not Authorized to access this resource/api' for users.list page 1 "
                        + "of customer C0999zzzz")
                .hasMessageContaining("customer 'C0999zzzz' is another customer than " + fixture.fake.adminEmail());
    }

    @Test
    void aKeyOfAnotherServiceAccountIsRefusedAsABadSignatureWithoutShowingTheKey() throws Exception {
        fixture.fake.users(3);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String otherPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String otherKey = fixture.fake.serviceAccountKeyJson().replace(
                fixture.fake.privateKeyPem().replace("\n", "\\n"), otherPem.replace("\r\n", "\n").replace("\n", "\\n"));
        assertThat(otherKey).isNotEqualTo(fixture.fake.serviceAccountKeyJson());
        fixture.key(otherKey);
        Monitor monitor = fixture.monitor();

        assertThatThrownBy(() -> monitor.snapshot(fixture.first()))
                .hasMessageContaining("(400 invalid_grant 'Invalid JWT Signature.'): the key was deleted or disabled, or "
                        + "belongs to another service account; create a new JSON key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE KEY").doesNotContain(otherPem.substring(40, 80)));
        assertThat(fixture.fake.tokenRefusals()).containsExactly("signature");
    }

    @Test
    void anAdminEmailThatIsNoUserIsNamed() throws Exception {
        fixture.fake.users(3);
        fixture.set("adminEmail", "nobody@acme.example");

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .hasMessageContaining("acting as nobody@acme.example (400 invalid_grant 'Invalid email or User ID'): "
                        + "adminEmail must be an existing, active user of the Workspace (an administrator)");
    }

    @Test
    void aClockFarOffIsNamedAsTheCause() throws Exception {
        fixture.fake.users(3);
        Monitor monitor = fixture.monitor();
        fixture.fake.clock(() -> fixture.context.now().plusSeconds(7200));

        assertThatThrownBy(() -> monitor.snapshot(fixture.first()))
                .hasMessageContaining("invalid_grant 'Invalid JWT: Token must be a short-lived token (60 minutes)")
                .hasMessageContaining("check that this machine's clock is right");
        assertThat(fixture.fake.tokenRefusals()).containsExactly("time");
    }
}
