package dev.mfamonitor.runner;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;

/**
 * A test-only notifier ({@code type: canary}) that takes a secret token the way real channels do, so that tests can
 * prove the engine and the runner never write a secret anywhere. It fails delivery permanently when {@code fail: true},
 * with the token in its reason (the engine must redact it).
 */
public final class CanaryNotifierProvider implements NotifierProvider {
    @Override
    public String type() {
        return "canary";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        Secret token = config.secret("token");
        boolean fail = config.bool("fail", false);
        int retries = config.integer("retries", 0);
        return notification -> {
            if (token.reveal().isEmpty() || retries < 0) {
                return DeliveryResult.permanent("no token");
            }
            if (fail) {
                return DeliveryResult.permanent("the canary channel rejected the token " + token.reveal() + " (HTTP 403)");
            }
            return DeliveryResult.delivered();
        };
    }
}
