package com.example.mfa.ntfy;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NetworkNotifierContract;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engine's expectations of every notifier that talks over a network, against a fake ntfy. */
class NtfyNotifierContractTest extends NetworkNotifierContract {
    /** A token with characters whose encoded forms differ from the plain one, as the contract asks. */
    private static final String TOKEN = "tk_contract/T0ken+with\"quote";
    private final FakeNtfy ntfy = start();

    private static FakeNtfy start() {
        try {
            return FakeNtfy.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected List<String> secrets() {
        return List.of(TOKEN);
    }

    @Override
    protected Notifier createNotifier() {
        return new NtfyNotifierProvider().create(new YamlPluginConfig("notifier", "phone", "ntfy",
                        Map.of("topic", ntfy.topic().toString(), "token", "${env:NTFY_TOKEN}"), Path.of("."),
                        name -> name.equals("NTFY_TOKEN") ? TOKEN : null),
                context());
    }

    @Override
    protected List<String> deliveredMessages() {
        return ntfy.received.stream().map(FakeNtfy.Message::body).toList();
    }

    @Override
    protected void channelIsDown() {
        ntfy.goDown();
    }

    @Override
    protected void channelAnswers(int status, String body, Optional<String> retryAfter) {
        ntfy.answerAlways(status, body, retryAfter.map(value -> Map.of("Retry-After", value)).orElse(Map.of()));
    }

    @Override
    protected void channelNeverAnswers() {
        ntfy.neverAnswer();
    }

    @AfterEach
    void stop() {
        ntfy.close();
    }
}
