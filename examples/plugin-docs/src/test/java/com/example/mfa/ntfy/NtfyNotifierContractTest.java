package com.example.mfa.ntfy;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The engine's expectations of every notifier, against a fake ntfy. */
class NtfyNotifierContractTest extends NotifierContract {
    private static final String TOKEN = "tk_contract0000000000000000000";
    private final FakeNtfy ntfy = start();

    private static FakeNtfy start() {
        try {
            return FakeNtfy.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Notifier createNotifier() {
        return new NtfyNotifierProvider().create(new YamlPluginConfig("notifier", "phone", "ntfy",
                        Map.of("topic", ntfy.topic().toString(), "token", "${env:NTFY_TOKEN}"), Path.of("."),
                        name -> name.equals("NTFY_TOKEN") ? TOKEN : null),
                TestContext.of("phone").withSecretValues(TOKEN));
    }

    @Override
    protected List<String> deliveredMessages() {
        return ntfy.received.stream().map(FakeNtfy.Message::body).toList();
    }

    @AfterEach
    void stop() {
        ntfy.close();
    }
}
