package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An API Services app: a private_key_jwt assertion the fake verifies, a scoped access token reused across requests. */
class OktaServiceAppTest {
    private final OktaFixture fixture = new OktaFixture();
    private final FakeOkta okta = fixture.okta;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aServiceAppGetsOneAccessTokenWithTheThreeScopesAndReadsEverythingWithIt() throws Exception {
        okta.users(250);
        okta.get(FakeOkta.idOf(1)).admin(true);

        Snapshot snapshot = fixture.monitor(fixture.serviceAppConfig(Map.of())).snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(250);
        assertThat(snapshot.facts()).containsEntry("adminRoles", "read");
        assertThat(okta.count(Kind.TOKEN)).isEqualTo(1);
        FakeOkta.Request token = okta.requests().get(0);
        assertThat(token.body()).contains("grant_type=client_credentials")
                .contains("scope=okta.users.read+okta.logs.read+okta.roles.read")
                .contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer");
        assertThat(okta.requests()).filteredOn(r -> r.kind() != Kind.TOKEN)
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + okta.issuedTokens().get(0)));
    }

    @Test
    void anAppWithoutTheRolesScopeGoesOnWithoutAdminsAndSaysSo() throws Exception {
        okta.users(3);
        okta.grantedScopes(FakeOkta.USERS_READ, FakeOkta.LOGS_READ);

        Snapshot snapshot = fixture.monitor(fixture.serviceAppConfig(Map.of())).snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(3);
        assertThat(okta.count(Kind.TOKEN)).as("refused with okta.roles.read, then granted without").isEqualTo(2);
        assertThat(okta.count(Kind.ROLES)).isZero();
        assertThat(snapshot.notices()).singleElement().satisfies(n -> assertThat(n.detail())
                .contains("the service app was not granted the scope okta.roles.read"));
    }

    @Test
    void aKeyThatIsNotTheRegisteredOneNamesPrivateKeyAndTheAppsPublicKeys() throws Exception {
        okta.users(2);
        var config = fixture.serviceAppConfig(Map.of());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        okta.serviceApp(OktaFixture.CLIENT_ID, generator.generateKeyPair().getPublic());

        assertThatThrownBy(() -> fixture.monitor(config).snapshot(fixture.first()))
                .isInstanceOf(OktaException.class)
                .hasMessageContaining("refused service app " + OktaFixture.CLIENT_ID + " (401 invalid_client "
                        + "'The client_assertion signature is invalid.')")
                .hasMessageContaining("privateKey does not belong to a public key registered with the app");
    }

    @Test
    void theScopesTheAppLacksAreNamed() {
        okta.users(2);
        okta.grantedScopes(FakeOkta.USERS_READ, FakeOkta.ROLES_READ);

        assertThatThrownBy(() -> fixture.monitor(fixture.serviceAppConfig(Map.of())).snapshot(fixture.first()))
                .isInstanceOf(OktaException.class)
                .hasMessageContaining("The following scopes are not allowed: okta.logs.read")
                .hasMessageContaining("grant the scopes okta.users.read and okta.logs.read");
    }

    @Test
    void thePrivateJwkTheAdminConsoleShowsWorksToo() throws Exception {
        okta.users(2);
        var config = fixture.serviceAppConfig(Map.of());
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) OktaFixture.keys().getPrivate();
        String jwk = "{\"kty\":\"RSA\",\"kid\":\"key-2026\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\"" + b64(key.getModulus())
                + "\",\"e\":\"" + b64(key.getPublicExponent()) + "\",\"d\":\"" + b64(key.getPrivateExponent())
                + "\",\"p\":\"" + b64(key.getPrimeP()) + "\",\"q\":\"" + b64(key.getPrimeQ())
                + "\",\"dp\":\"" + b64(key.getPrimeExponentP()) + "\",\"dq\":\"" + b64(key.getPrimeExponentQ())
                + "\",\"qi\":\"" + b64(key.getCrtCoefficient()) + "\"}";
        fixture.environment.put("OKTA_KEY", jwk);
        fixture.context.withSecretValues(jwk);

        Snapshot snapshot = fixture.monitor(config).snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(2);
        String header = new String(Base64.getUrlDecoder().decode(okta.receivedAssertions().get(0).split("\\.")[0]));
        assertThat(header).contains("\"kid\":\"key-2026\"").contains("\"alg\":\"RS256\"");
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
