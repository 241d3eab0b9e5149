package dev.mfamonitor.core.console;

import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.SpiVersion;

/** {@code type: console}: prints alerts to standard output. Takes no configuration keys. */
public final class ConsoleNotifierProvider implements NotifierProvider {

    @Override
    public String type() {
        return "console";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        return new ConsoleNotifier(System.out);
    }
}
