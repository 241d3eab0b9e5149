package com.example.mfa.mattermost;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.testkit.MonitorContract;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The engine's expectations of every monitor, against a fake Mattermost of 450 users (three pages). */
class MattermostMonitorContractTest extends MonitorContract {
    private static final String TOKEN = "mm-contract-token-7f3a";
    private final FakeMattermost mattermost = start();

    private static FakeMattermost start() {
        try {
            return FakeMattermost.start(TOKEN).users(450);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Monitor createMonitor() {
        return new MattermostMonitorProvider().create(new YamlPluginConfig("monitor", "mm", "mattermost",
                        Map.of("url", mattermost.url().toString(), "token", "${env:MM_TOKEN}"), Path.of("."),
                        name -> name.equals("MM_TOKEN") ? TOKEN : null),
                TestContext.of("mm").withSecretValues(TOKEN));
    }

    @Override
    protected void breakPartOfSource() {
        mattermost.failPage(1, 503);
    }

    @Override
    protected Optional<String> secretCanary() {
        return Optional.of(TOKEN);
    }

    @Override
    protected void makeSourceEchoTheSecret() {
        mattermost.failPage(0, 500);   // its error message quotes the Authorization header
    }

    @AfterEach
    void stop() {
        mattermost.close();
    }
}
