package dev.mfamonitor.monitor.google;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.google.FakeGoogleWorkspace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A fake Workspace, a test context whose clock the fake shares, and monitors configured as a user would. */
final class GoogleFixture implements AutoCloseable {
    static final String ID = "workspace-acme";

    final FakeGoogleWorkspace fake = FakeGoogleWorkspace.start();
    final TestContext context = TestContext.of(ID);
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private String keyJson;

    GoogleFixture() {
        fake.clock(context::now);
        keyJson = fake.serviceAccountKeyJson();
        fake.addUser("100000000000000000001", fake.adminEmail()).admin(true);
    }

    /** Another key than the fake's (a broken one, say); the engine's redactor knows it as the configured secret. */
    GoogleFixture key(String json) {
        this.keyJson = json;
        return this;
    }

    String keyJson() {
        return keyJson;
    }

    GoogleFixture set(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    YamlPluginConfig config() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("serviceAccountKey", "${env:WORKSPACE_KEY}");
        values.put("adminEmail", fake.adminEmail());
        values.put("endpoint", fake.endpoint().toString());
        values.putAll(extra);
        String key = keyJson;
        return new YamlPluginConfig("monitor", ID, "google-workspace", values, Path.of("."),
                name -> name.equals("WORKSPACE_KEY") ? key : null);
    }

    Monitor monitor() {
        context.withSecretValues(keyJson);
        return new GoogleWorkspaceMonitorProvider().create(config(), context);
    }

    ScanRequest first() {
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(5), context.nanoTime()));
    }

    ScanRequest after(Snapshot previous) {
        return new ScanRequest(Optional.of(previous), false, Deadline.after(Duration.ofMinutes(5), context.nanoTime()));
    }

    @Override
    public void close() {
        fake.close();
    }
}
