package com.example.mfa.ntfy;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The ntfy example notifier of PLUGINS.md: one attempt, and an answer the engine can act on. */
class NtfyNotifierTest {
    private static final String TOKEN = "tk_CANARY5a1b2c3d4e5f6a7b8c9d0e";

    private final FakeNtfy ntfy = FakeNtfy.start();
    private final TestContext context = TestContext.of("phone").withSecretValues(TOKEN);

    NtfyNotifierTest() throws IOException {
    }

    @AfterEach
    void stop() {
        ntfy.close();
    }

    private Notifier notifier(String topic) {
        return new NtfyNotifierProvider().create(new YamlPluginConfig("notifier", "phone", "ntfy",
                Map.of("topic", topic, "token", "${env:NTFY_TOKEN}"), Path.of("."),
                name -> name.equals("NTFY_TOKEN") ? TOKEN : null), context);
    }

    private static Notification bobLostMfa() {
        ChangeEvent event = NotifierContract.accountEvent("github-acme", "github", EventType.MFA_DISABLED,
                new Account("1002", "bob", "member", MfaStatus.DISABLED), Optional.of(MfaStatus.ENABLED));
        return NotifierContract.notificationOf(List.of(event));
    }

    @Test
    void aNotificationIsOneMessageWithTheTokenAndATitle() {
        DeliveryResult result = notifier(ntfy.topic().toString()).send(bobLostMfa());

        assertThat(result).isEqualTo(DeliveryResult.delivered());
        assertThat(ntfy.received).singleElement().satisfies(message -> {
            assertThat(message.title()).isEqualTo("mfa-monitor: 1 event");
            assertThat(message.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(message.body()).contains("github-acme (github)").contains("bob");
        });
    }

    @Test
    void aRateLimitIsTransientWithTheWaitNtfyAskedFor() {
        ntfy.answer(429, "{\"code\":42901,\"http\":429,\"error\":\"limit reached: too many requests\"}", Map.of("Retry-After", "30"));

        DeliveryResult result = notifier(ntfy.topic().toString()).send(bobLostMfa());

        assertThat(result).isEqualTo(new DeliveryResult.Transient("ntfy answered 429: {\"code\":42901,\"http\":429,"
                + "\"error\":\"limit reached: too many requests\"}", Optional.of(Duration.ofSeconds(30))));
        assertThat(ntfy.received).as("no retry of its own: the engine retries").isEmpty();
    }

    @Test
    void aServerErrorIsTransientWithoutAWait() {
        ntfy.answer(503, "upstream unavailable", Map.of());

        assertThat(notifier(ntfy.topic().toString()).send(bobLostMfa()))
                .isEqualTo(DeliveryResult.retry("ntfy answered 503: upstream unavailable"));
    }

    @Test
    void aRefusedTokenIsPermanentAndTheEchoedTokenIsRedacted() {
        ntfy.answer(401, "{\"code\":40101,\"http\":401,\"error\":\"unauthorized: Bearer " + TOKEN + "\"}", Map.of());

        DeliveryResult result = notifier(ntfy.topic().toString()).send(bobLostMfa());

        assertThat(result).isEqualTo(DeliveryResult.permanent("ntfy answered 401: {\"code\":40101,\"http\":401,"
                + "\"error\":\"unauthorized: Bearer ****\"}; check the topic and the token"));
    }

    @Test
    void aServerThatIsDownIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        DeliveryResult result = notifier("http://127.0.0.1:" + closedPort + "/mfa-alerts").send(bobLostMfa());

        assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) result).reason()).startsWith("ntfy could not be reached: ");
    }
}
