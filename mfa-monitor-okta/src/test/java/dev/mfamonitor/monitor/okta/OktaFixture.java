package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.okta.FakeOkta;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A fake org, a test context whose time the test owns, and monitors configured against both. */
final class OktaFixture implements AutoCloseable {
    static final String ID = "okta-acme";
    /** A canary: if it shows up anywhere but in an Authorization header, a secret leaked. */
    static final String TOKEN = "00Qx7canaryOKTAtoken-5f4e3d2c1b0a9f8e7d";
    static final String CLIENT_ID = "0oa1fakeclient0000007";
    private static KeyPair keys;

    final TestContext context = TestContext.of(ID).withSecretValues(TOKEN);
    final FakeOkta okta = FakeOkta.start().apiToken(TOKEN).clock(context::now);
    final Map<String, String> environment = new HashMap<>(Map.of("OKTA_TOKEN", TOKEN));

    /** One RSA key pair for every test of the run: generating one costs a few hundred milliseconds. */
    static synchronized KeyPair keys() {
        if (keys == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                keys = generator.generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return keys;
    }

    /** The private key as the PKCS#8 PEM the Admin Console offers. */
    static String pem() {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys().getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** The configuration of a monitor on the fake with the API token, plus {@code extra} keys (null removes one). */
    Map<String, Object> config(Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("orgUrl", okta.url().toString());
        values.put("token", "${env:OKTA_TOKEN}");
        values.putAll(extra);
        values.values().removeIf(v -> v == null || "".equals(v));
        return values;
    }

    /** The configuration of a service app with the fixture's key pair, registered with the fake. */
    Map<String, Object> serviceAppConfig(Map<String, ?> extra) {
        okta.serviceApp(CLIENT_ID, keys().getPublic());
        environment.put("OKTA_KEY", pem());
        context.withSecretValues(pem());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("orgUrl", okta.url().toString());
        values.put("clientId", CLIENT_ID);
        values.put("privateKey", "${env:OKTA_KEY}");
        values.putAll(extra);
        values.values().removeIf(v -> v == null || "".equals(v));
        return values;
    }

    YamlPluginConfig yaml(Map<String, ?> values) {
        return new YamlPluginConfig("monitor", ID, "okta", values, Path.of("").toAbsolutePath(), environment::get);
    }

    OktaMonitor monitor(Map<String, ?> values) {
        YamlPluginConfig config = yaml(values);
        OktaMonitor monitor = (OktaMonitor) new OktaMonitorProvider().create(config, context);
        if (!config.unusedKeys().isEmpty()) {
            throw new IllegalStateException("unused keys " + config.unusedKeys());
        }
        return monitor;
    }

    OktaMonitor monitor() {
        return monitor(config(Map.of()));
    }

    /** A first run: no previous snapshot, a full scan. */
    ScanRequest first() {
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(30), context.nanoTime()));
    }

    /** A normal run after {@code previous}. */
    ScanRequest after(Snapshot previous) {
        return new ScanRequest(Optional.of(previous), false, Deadline.after(Duration.ofMinutes(30), context.nanoTime()));
    }

    static Map<String, Account> byName(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::name, Function.identity()));
    }

    @Override
    public void close() {
        okta.close();
    }
}
