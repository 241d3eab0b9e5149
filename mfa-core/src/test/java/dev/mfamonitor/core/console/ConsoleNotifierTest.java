package dev.mfamonitor.core.console;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleNotifierTest {
    private static final Instant AT = Instant.parse("2026-03-02T09:00:00Z");

    private static Notification notification() {
        List<ChangeEvent> events = List.of(
                TextMessageTest.account("quickstart", EventType.MFA_DISABLED, "carol", Optional.of(MfaStatus.ENABLED)));
        return Notification.of(AT, events, dev.mfamonitor.spi.Deadline.after(java.time.Duration.ofSeconds(60), System::nanoTime));
    }

    @Test
    void printsTheTextMessageFollowedByANewline() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleNotifier notifier = new ConsoleNotifier(new PrintStream(bytes, false, StandardCharsets.UTF_8))) {
            assertThat(notifier.send(notification())).isEqualTo(dev.mfamonitor.spi.DeliveryResult.delivered());
        }

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                mfa-monitor: 1 event (1 MFA disabled)

                quickstart (inventory)
                  MFA disabled (1, high): "carol" (was enabled)
                """);
    }

    @Test
    void aFailingStreamIsAFailedDeliveryNotASilentSuccess() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Notifier notifier = new ConsoleNotifier(new PrintStream(broken, false, StandardCharsets.UTF_8));

        assertThat(notifier.send(notification())).isEqualTo(dev.mfamonitor.spi.DeliveryResult.retry(
                "could not write to the console (standard output is closed or failing); "
                        + "check where the output of mfa-monitor goes"));
    }

    @Test
    void isDiscoveredAsTypeConsoleAndTakesNoKeys() {
        List<NotifierProvider> consoles = ServiceLoader.load(NotifierProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("console"))
                .toList();
        assertThat(consoles).hasSize(1);
        assertThat(consoles.get(0)).isInstanceOf(ConsoleNotifierProvider.class);

        dev.mfamonitor.core.config.YamlPluginConfig config = dev.mfamonitor.core.config.YamlPluginConfig.of("notifier", "stdout", "console", Map.of("colour", "yes"));
        Notifier notifier = consoles.get(0).create(config, dev.mfamonitor.core.context.EnginePluginContext.system(config.id(), config.describe(), new dev.mfamonitor.core.context.SecretRedactor()));

        assertThat(notifier).isInstanceOf(ConsoleNotifier.class);
        assertThatThrownBy(config::requireAllUsed)
                .hasMessage("property 'colour' is not used by notifier 'stdout' (type console); known: (none)");
    }
}
