package dev.mfamonitor.runner;

import dev.mfamonitor.spi.DeliveryException;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.Secret;

/**
 * A test-only notifier ({@code type: canary}) that takes a secret token the way real channels do, so that tests can
 * prove the engine and the runner never write a secret anywhere. It fails delivery when {@code fail: true}.
 */
public final class CanaryNotifierProvider implements NotifierProvider {
    @Override
    public String type() {
        return "canary";
    }

    @Override
    public Notifier create(PluginConfig config) {
        Secret token = config.secret("token");
        boolean fail = config.bool("fail", false);
        int retries = config.integer("retries", 0);
        return notification -> {
            if (token.reveal().isEmpty() || retries < 0) {
                throw new DeliveryException("no token", true);
            }
            if (fail) {
                throw new DeliveryException("the canary channel rejected the token " + token + " (HTTP 403)", true);
            }
        };
    }
}
