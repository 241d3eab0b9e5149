package dev.mfamonitor.core;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A provider's configuration error that quotes a secret it read is redacted before anyone sees it. */
class ConfigurationSecretsTest {
    private static final String CANARY = "https://hooks.example.com/services/T0CANARY/B0CANARY/Xcanary1234567890";

    @TempDir
    Path dir;

    /** A provider that, like a careless one, puts the secret URL into its error. */
    public static final class QuotingMonitorProvider implements MonitorProvider {
        @Override
        public String type() {
            return "quoting";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            Secret url = config.secret("url");
            throw config.error("url", "'" + url.reveal() + "' is not allowed here");
        }
    }

    /** A store that is never used: the configuration fails before any run. */
    public static final class UnusedStateStoreProvider implements dev.mfamonitor.spi.state.StateStoreProvider {
        @Override
        public String type() {
            return "unused";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public dev.mfamonitor.spi.state.StateStore create(PluginConfig config, PluginContext context) {
            return new dev.mfamonitor.spi.state.StateStore() {
                @Override
                public Lock lock() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public dev.mfamonitor.spi.state.StoredState load() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void commit(dev.mfamonitor.spi.state.RunCommit commit) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void mark(List<dev.mfamonitor.spi.state.DeliveryMark> marks) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public String describe() {
                    return "unused";
                }
            };
        }
    }

    @Test
    void aProvidersErrorQuotingItsSecretIsRedacted() throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(MonitorProvider.class.getName()), QuotingMonitorProvider.class.getName() + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(services.resolve(dev.mfamonitor.spi.state.StateStoreProvider.class.getName()),
                UnusedStateStoreProvider.class.getName() + "\n", StandardCharsets.UTF_8);
        Files.writeString(services.resolve(dev.mfamonitor.spi.NotifierProvider.class.getName()),
                dev.mfamonitor.core.console.ConsoleNotifierProvider.class.getName() + "\n", StandardCharsets.UTF_8);
        ClassLoader hidingServices = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.startsWith("META-INF/services/") ? Collections.emptyEnumeration() : super.getResources(name);
            }
        };
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("state", Map.of("type", "unused"));
        tree.put("monitors", List.of(Map.of("id", "leaky", "type", "quoting", "url", "${env:HOOK}")));
        tree.put("notifiers", List.of(Map.of("id", "console", "type", "console")));
        Configuration configuration = Configuration.fromTree(tree, "mfa-monitor.yaml", dir,
                name -> name.equals("HOOK") ? CANARY : null);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, hidingServices)) {
            PluginRegistry registry = PluginRegistry.discover(loader);
            assertThatThrownBy(() -> configuration.createEngine(registry))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("monitor 'leaky' (type quoting): property 'url': '****' is not allowed here")
                    .hasNoCause();
        }
    }
}
