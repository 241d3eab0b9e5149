package dev.mfamonitor.runner.testplugin;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.SpiVersion;

/**
 * A test plugin ({@code type: greeter}) that needs a library of its own ({@link GreeterLibrary}), shipped as a second
 * jar beside the plugin's in a plugin directory: it works only if both jars share the plugin's class loader.
 */
public final class GreeterNotifierProvider implements NotifierProvider {
    @Override
    public String type() {
        return "greeter";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        String greeting = GreeterLibrary.greeting(config.string("name", "world"));
        return new GreeterNotifier(greeting);
    }

    /** Delivers nothing; remembers its greeting. */
    public record GreeterNotifier(String greeting) implements Notifier {
        @Override
        public DeliveryResult send(dev.mfamonitor.spi.Notification notification) {
            return DeliveryResult.delivered();
        }
    }
}
