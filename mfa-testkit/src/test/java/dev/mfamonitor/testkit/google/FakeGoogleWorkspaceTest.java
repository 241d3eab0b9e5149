package dev.mfamonitor.testkit.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake checks the JWT-bearer grant as Google does, so a monitor that passes against it signs what Google wants. */
class FakeGoogleWorkspaceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private final FakeGoogleWorkspace fake = FakeGoogleWorkspace.start().clock(() -> NOW);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        fake.close();
    }

    private ObjectNode claims() {
        return JSON.createObjectNode().put("iss", fake.clientEmail()).put("sub", fake.adminEmail())
                .put("scope", FakeGoogleWorkspace.SCOPE).put("aud", FakeGoogleWorkspace.AUDIENCE)
                .put("iat", NOW.getEpochSecond()).put("exp", NOW.getEpochSecond() + 3600);
    }

    private PrivateKey serviceAccountKey() throws Exception {
        String pem = JSON.readTree(fake.serviceAccountKeyJson()).get("private_key").asText();
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static String sign(ObjectNode claims, PrivateKey key) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(rs256.sign());
    }

    private HttpResponse<String> grant(String assertion) throws Exception {
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(fake.tokenUri()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void refused(Consumer<ObjectNode> change, int status, String error, String why) throws Exception {
        ObjectNode claims = claims();
        change.accept(claims);
        HttpResponse<String> answer = grant(sign(claims, serviceAccountKey()));
        assertThat(answer.statusCode()).as(why).isEqualTo(status);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo(error);
        assertThat(fake.tokenRefusals()).last().isEqualTo(why);
    }

    @Test
    void aGoodGrantGetsATokenThatReadsUsers() throws Exception {
        fake.users(3);
        HttpResponse<String> answer = grant(sign(claims(), serviceAccountKey()));
        JsonNode token = JSON.readTree(answer.body());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asInt()).isEqualTo(3599);
        HttpResponse<String> users = http.send(HttpRequest.newBuilder(URI.create(fake.endpoint()
                        + "/admin/directory/v1/users?customer=my_customer&maxResults=2&fields=nextPageToken,users(id,isEnrolledIn2Sv)"))
                .header("Authorization", "Bearer " + token.get("access_token").asText()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode page = JSON.readTree(users.body());
        assertThat(page.get("users")).hasSize(2);
        assertThat(page.get("users").get(0).toString()).isEqualTo("{\"id\":\"100000000000000000001\",\"isEnrolledIn2Sv\":true}");
        assertThat(page.get("nextPageToken").asText()).isNotBlank();
        assertThat(page.has("kind")).as("trimmed by fields=").isFalse();
    }

    @Test
    void everyClaimIsChecked() throws Exception {
        refused(c -> c.put("aud", "https://www.googleapis.com/oauth2/v4/token/x"), 400, "invalid_grant", "audience");
        refused(c -> c.put("iss", "other@acme.iam.gserviceaccount.com"), 400, "invalid_grant", "issuer");
        refused(c -> c.put("exp", NOW.getEpochSecond() - 1), 400, "invalid_grant", "time");
        refused(c -> c.put("exp", NOW.getEpochSecond() + 7200), 400, "invalid_grant", "time");
        refused(c -> c.put("iat", NOW.getEpochSecond() + 600), 400, "invalid_grant", "time");
        refused(c -> c.put("sub", "nobody@acme.example"), 400, "invalid_grant", "subject");
        refused(c -> c.put("scope", "https://www.googleapis.com/auth/admin.directory.user"), 401, "unauthorized_client", "delegation");
        fake.delegationGranted(false);
        refused(c -> { }, 401, "unauthorized_client", "delegation");
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);

        HttpResponse<String> answer = grant(sign(claims(), generator.generateKeyPair().getPrivate()));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error_description").asText()).isEqualTo("Invalid JWT Signature.");
        assertThat(fake.tokenRefusals()).containsExactly("signature");
    }
}
