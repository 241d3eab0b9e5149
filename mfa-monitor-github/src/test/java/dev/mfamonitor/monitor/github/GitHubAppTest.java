package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.Reply;
import dev.mfamonitor.testkit.github.FakeGitHub.Request;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.mfamonitor.monitor.github.GitHubFixture.ORG;
import static dev.mfamonitor.monitor.github.GitHubFixture.pages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GitHub App authentication: the monitor's JWT signing and token exchange against the fake, which verifies the JWT. */
class GitHubAppTest {
    static final long APP_ID = 12345;
    static final long INSTALLATION = 678;
    /** A canary installation token: it must never reach a message or a snapshot. */
    static final String INSTALLATION_TOKEN = "ghs_CANARYinstallation0123456789abcdef";

    private static KeyPair appKeys;
    private static KeyPair otherKeys;

    @TempDir
    Path dir;
    private FakeGitHub fake;
    private GitHubFixture fx;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        appKeys = generator.generateKeyPair();
        otherKeys = generator.generateKeyPair();
    }

    @BeforeEach
    void start() throws Exception {
        // No personal access token is accepted: only the installation tokens this fake issues to the App.
        fake = FakeGitHub.start(ORG).app(APP_ID, appKeys.getPublic(), INSTALLATION);
        for (int id = 1; id <= 250; id++) {
            fake.member(id, "user" + id, id % 100 == 0 ? TwoFactor.DISABLED : TwoFactor.ENABLED, id <= 3);
        }
        fake.outsideCollaborator(90001, "contractor", TwoFactor.DISABLED);
        fx = new GitHubFixture(fake, new String[0]);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static String pkcs8Pem(KeyPair keys) {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** GitHub's format: the PKCS#1 RSAPrivateKey inside the PKCS#8 structure's OCTET STRING. */
    static String pkcs1Pem(KeyPair keys) {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        int at = headerLength(pkcs8, 0);           // into the outer SEQUENCE
        at += 3;                                   // INTEGER 0
        at += headerLength(pkcs8, at) + pkcs8[at + 1]; // AlgorithmIdentifier (short form length)
        int contentAt = at + headerLength(pkcs8, at);
        return pem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, contentAt, pkcs8.length));
    }

    private static int headerLength(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        return first < 0x80 ? 2 : 2 + (first & 0x7f);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private Monitor monitor(String pem, Map<String, Object> extra) throws Exception {
        Files.writeString(dir.resolve("app-key.pem"), pem, StandardCharsets.UTF_8);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("organization", ORG);
        values.put("appId", APP_ID);
        values.put("privateKey", "${file:app-key.pem}");
        values.put("endpoint", fake.endpoint());
        values.putAll(extra);
        YamlPluginConfig config = new YamlPluginConfig("monitor", "github-acme", "github", values, dir, name -> null);
        return fx.create(config);
    }

    private static Map<String, Account> byLogin(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::name, a -> a));
    }

    private List<String> requestLines() {
        return fake.requests().stream().map(Request::toString).toList();
    }

    @Test
    void anAppWithAPkcs1KeyReadsTheOrgEndToEndAndTheFakeVerifiedItsJwt() throws Exception {
        try (Monitor monitor = monitor(pkcs1Pem(appKeys), Map.of("installationId", INSTALLATION))) {
            Snapshot snapshot = monitor.snapshot(fx.first());
            assertThat(fake.verifiedJwts()).isEqualTo(1);
            assertThat(fake.installationTokens()).hasSize(1);
            assertThat(snapshot.accounts()).hasSize(251);
            assertThat(byLogin(snapshot).get("user100").mfa()).isEqualTo(MfaStatus.DISABLED);
            assertThat(byLogin(snapshot).get("user1").facts()).containsEntry("role", "admin");
            assertThat(byLogin(snapshot).get("contractor").mfa()).isEqualTo(MfaStatus.DISABLED);
            assertThat(snapshot.requirements()).containsEntry(GitHubMonitor.REQUIREMENT, MfaStatus.ENABLED);
            // The token request first, then the token path's full scan: org, 4 short lists, members, owners, outside.
            assertThat(requestLines().get(0)).isEqualTo("POST /app/installations/678/access_tokens");
            assertThat(fake.requestCount()).isEqualTo(1 + (1 + 1 + 1 + 1 + 1 + pages(250) + 1 + 1));

            fake.resetRequests();
            fake.twoFactor(100, TwoFactor.ENABLED);
            Snapshot steady = monitor.snapshot(fx.after(snapshot));
            assertThat(byLogin(steady).get("user100").mfa()).isEqualTo(MfaStatus.ENABLED);
            // One new installation token per run, plus the steady-state formula (one check for the leaver).
            assertThat(requestLines().get(0)).isEqualTo("POST /app/installations/678/access_tokens");
            assertThat(fake.requestCount()).isEqualTo(1 + (pages(1) + pages(1) + pages(0) + pages(0) + 1 + 1));
            assertThat(fake.verifiedJwts()).isEqualTo(2);
        }
    }

    @Test
    void aPkcs8KeyWorksAndWithoutInstallationIdTheInstallationIsFoundByOrg() throws Exception {
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of())) {
            Snapshot snapshot = monitor.snapshot(fx.first());
            assertThat(snapshot.accounts()).hasSize(251);
            assertThat(requestLines().subList(0, 2)).containsExactly("GET /orgs/acme/installation",
                    "POST /app/installations/678/access_tokens");
            assertThat(fake.verifiedJwts()).isEqualTo(2);
            assertThat(fake.requestCount()).isEqualTo(2 + (1 + 1 + 1 + 1 + 1 + pages(250) + 1 + 1));
        }
    }

    @Test
    void aJwtSignedWithAnotherKeyIsRefusedWithAMessageNamingTheAppAndWhatToCheck() throws Exception {
        try (Monitor monitor = monitor(pkcs1Pem(otherKeys), Map.of("installationId", INSTALLATION))) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 401 'A JSON web token could not be decoded' to POST "
                            + "/app/installations/678/access_tokens for GitHub App 12345 (org acme): GitHub did not accept the "
                            + "App's JSON Web Token. Check that appId is the App's id (App settings, 'App ID'), that privateKey "
                            + "is a current private key of that App (not revoked or replaced), and that this machine's clock is "
                            + "right");
            assertThat(fake.verifiedJwts()).isZero();
            assertThat(fake.installationTokens()).isEmpty();
            assertThat(requestLines()).containsExactly("POST /app/installations/678/access_tokens");
        }
    }

    @Test
    void aWrongAppIdIsRefusedToo() throws Exception {
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of("appId", 999, "installationId", INSTALLATION))) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessageStartingWith("GitHub answered 401 'Integration not found' to POST "
                            + "/app/installations/678/access_tokens for GitHub App 999 (org acme): GitHub did not accept the "
                            + "App's JSON Web Token. Check that appId is the App's id");
        }
    }

    @Test
    void anAppNotInstalledOnTheOrgSaysSo() throws Exception {
        fake.appInstalledOnOrg(false);
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of())) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub App 12345 is not installed on org acme (GET /orgs/acme/installation answered 404 "
                            + "'Not Found'): install the App on acme, or check appId and organization");
        }
    }

    @Test
    void aWrongInstallationIdSaysSo() throws Exception {
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of("installationId", 679))) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub App 12345 has no installation 679 (POST /app/installations/679/access_tokens "
                            + "answered 404 'Not Found'): check installationId (the number at the end of the installation's "
                            + "settings URL, https://github.com/organizations/acme/settings/installations/ID), or leave it out "
                            + "to look it up by organization");
        }
    }

    @Test
    void anAppWithoutMembersPermissionIsToldWhichPermissionItNeeds() throws Exception {
        fake.script(r -> r.param("filter").equals("2fa_disabled"), 1,
                new Reply(422, Map.of(), "{\"message\":\"Only owners can use this filter.\"}"));
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of("installationId", INSTALLATION))) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 422 'Only owners can use this filter.' for org acme: GitHub App 12345 needs "
                            + "the organization permission \"Members: read\" (and \"Administration: read\" for the 2FA "
                            + "requirement), accepted on its installation on acme");
        }
    }

    @Test
    void theKeyAndTheInstallationTokenNeverReachAMessageOrTheSnapshot() throws Exception {
        String pem = pkcs1Pem(appKeys);
        String keyBody = pem.lines().filter(l -> !l.startsWith("-----")).collect(Collectors.joining());
        fake.nextInstallationToken(INSTALLATION_TOKEN);
        // GitHub quoting the token back in an error: the monitor must not repeat it.
        fake.script(r -> r.path().equals("/orgs/" + ORG + "/members") && r.param("filter").equals("all"), 1,
                Reply.error(502, "Server Error for " + INSTALLATION_TOKEN));
        try (Monitor monitor = monitor(pem, Map.of("installationId", INSTALLATION))) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 502 'Server Error for ****' for org acme while reading all members: the "
                            + "snapshot is not taken (never a partial list); the next run tries again")
                    .satisfies(e -> assertThat(e.toString()).doesNotContain(INSTALLATION_TOKEN).doesNotContain(keyBody));
            assertThat(fake.installationTokens()).containsExactly(INSTALLATION_TOKEN);

            Snapshot snapshot = monitor.snapshot(fx.first());
            String everything = snapshot.toString() + snapshot.facts() + snapshot.accounts();
            for (String token : fake.installationTokens()) {
                assertThat(everything).doesNotContain(token);
            }
            assertThat(everything).doesNotContain(keyBody.substring(0, 40)).doesNotContain("PRIVATE KEY");
        }
    }

    // Issue 12, item 2: the installation lookup and the token exchange go through the rate-limit handling.

    @Test
    void theInstallationLookupAndTheTokenExchangeWaitOutRateLimitsLikeEveryOtherRequest() throws Exception {
        fake.script(r -> r.path().equals("/orgs/acme/installation"), 1,
                Reply.primaryRateLimit(403, java.time.Instant.now().plusSeconds(20)));
        fake.script(r -> r.path().equals("/app/installations/678/access_tokens"), 1,
                Reply.secondaryRateLimit(429, java.util.Optional.empty()));
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of())) {
            Snapshot snapshot = monitor.snapshot(fx.first());

            assertThat(snapshot.accounts()).hasSize(251);
            assertThat(fx.context.sleeps()).hasSize(2);
            assertThat(fx.context.sleeps().get(0)).isBetween(java.time.Duration.ofSeconds(15), java.time.Duration.ofSeconds(21));
            assertThat(fx.context.sleeps().get(1)).isEqualTo(java.time.Duration.ofSeconds(60));
            assertThat(requestLines().subList(0, 4)).containsExactly("GET /orgs/acme/installation",
                    "GET /orgs/acme/installation", "POST /app/installations/678/access_tokens",
                    "POST /app/installations/678/access_tokens");
        }
    }

    @Test
    void aRateLimitOnTheTokenExchangePastTheDeadlineSaysSoNotThatTheAppIsSuspended() throws Exception {
        fake.script(r -> r.path().equals("/app/installations/678/access_tokens"), -1,
                Reply.primaryRateLimit(403, java.time.Instant.now().plusSeconds(3600)));
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of("installationId", INSTALLATION))) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessageStartingWith("GitHub's primary rate limit (x-ratelimit-remaining: 0) for org acme (HTTP 403 on "
                            + "POST /app/installations/678/access_tokens) lasts until ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("suspended"));
        }
    }

    // Issue 12, item 9: the App's JWT, echoed by a server, is redacted like the installation token.

    @Test
    void anEchoedJwtOrInstallationTokenIsRedacted() throws Exception {
        fake.script(r -> r.path().equals("/app/installations/678/access_tokens"), 1, Reply.echoingAuthorization(500));
        try (Monitor monitor = monitor(pkcs8Pem(appKeys), Map.of("installationId", INSTALLATION))) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 500 'bad header: Authorization: Bearer ****' to POST "
                            + "/app/installations/678/access_tokens for GitHub App 12345 (org acme): no installation token, "
                            + "so the snapshot is not taken; the next run tries again");

            fake.nextInstallationToken(INSTALLATION_TOKEN);
            fake.script(r -> r.path().equals("/orgs/acme"), 1, Reply.echoingAuthorization(500));
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 500 'bad header: Authorization: token ****' for org acme while reading the "
                            + "organization: the snapshot is not taken (never a partial list); the next run tries again");
        }
    }

    /** A JWT made here, so that the fake's time and issuer checks are pinned, not just its signature check. */
    private int exchange(String iss, long iatOffset, long expOffset) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = java.time.Instant.now().getEpochSecond();
        String signed = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"iss\":\"" + iss + "\",\"iat\":" + (now + iatOffset) + ",\"exp\":" + (now + expOffset) + "}")
                .getBytes(StandardCharsets.UTF_8));
        java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
        signature.initSign(appKeys.getPrivate());
        signature.update(signed.getBytes(StandardCharsets.US_ASCII));
        String jwt = signed + "." + b64.encodeToString(signature.sign());
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(fake.endpoint() + "/app/installations/678/access_tokens"))
                .header("Authorization", "Bearer " + jwt).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void theFakeChecksTheJwtsIssuerAndTimes() throws Exception {
        assertThat(exchange("12345", -60, 540)).isEqualTo(201);
        assertThat(exchange("12345", 30, 540)).as("iat within the 60 s drift").isEqualTo(201);
        assertThat(exchange("12346", -60, 540)).as("another App's id").isEqualTo(401);
        assertThat(exchange("12345", 120, 540)).as("iat in the future").isEqualTo(401);
        assertThat(exchange("12345", -700, -90)).as("expired").isEqualTo(401);
        assertThat(exchange("12345", -60, 1200)).as("exp too far ahead").isEqualTo(401);
        assertThat(fake.verifiedJwts()).isEqualTo(2);
    }
}
