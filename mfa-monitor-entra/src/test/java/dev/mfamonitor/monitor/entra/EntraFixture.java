package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.entra.FakeEntra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A fake tenant, a test context whose time the test owns, and monitors configured against both. */
final class EntraFixture implements AutoCloseable {
    static final String TENANT = "4f6e2a1b-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    static final String CLIENT = "0b7c9d8e-7f6a-4b5c-9d8e-1f2a3b4c5d6e";
    /** A canary: if it shows up anywhere but in the token request, a secret leaked. */
    static final String SECRET = "Xq8~canary.SECRET-value_5f4e3d2c1b0a";

    final TestContext context = TestContext.of("entra-contoso").withSecretValues(SECRET);
    final FakeEntra entra = FakeEntra.start(TENANT, CLIENT).clientSecret(SECRET).clock(context::now);
    final Map<String, String> environment = new HashMap<>(Map.of("ENTRA_SECRET", SECRET));

    /** The configuration of a monitor on the fake with the client secret, plus {@code extra} keys. */
    Map<String, Object> config(Map<String, ?> extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("tenantId", TENANT);
        values.put("clientId", CLIENT);
        values.put("clientSecret", "${env:ENTRA_SECRET}");
        values.put("graphEndpoint", entra.url().toString());
        values.put("loginEndpoint", entra.url().toString());
        values.putAll(extra);
        values.values().removeIf(v -> v == null || "".equals(v));
        return values;
    }

    YamlPluginConfig yaml(Map<String, ?> values) {
        return new YamlPluginConfig("monitor", "entra-contoso", "entra", values, Path.of("").toAbsolutePath(), environment::get);
    }

    EntraMonitor monitor(Map<String, ?> extra) {
        return (EntraMonitor) new EntraMonitorProvider().create(yaml(config(extra)), context);
    }

    EntraMonitor monitor() {
        return monitor(Map.of());
    }

    /** A first run: no previous snapshot, a full scan. */
    static ScanRequest first(TestContext context) {
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(5), context.nanoTime()));
    }

    /** A normal run after {@code previous}. */
    static ScanRequest after(TestContext context, Snapshot previous) {
        return new ScanRequest(Optional.of(previous), false, Deadline.after(Duration.ofMinutes(5), context.nanoTime()));
    }

    ScanRequest first() {
        return first(context);
    }

    ScanRequest after(Snapshot previous) {
        return after(context, previous);
    }

    static Map<String, Account> byName(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::name, Function.identity()));
    }

    static Snapshot scan(Monitor monitor, ScanRequest request) throws Exception {
        return monitor.snapshot(request);
    }

    @Override
    public void close() {
        entra.close();
    }
}
