package dev.mfamonitor.storage.file;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StateStoreProvider;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileStateStoreProviderTest {

    @TempDir
    Path configDirectory;

    @Test
    void isFoundByServiceLoaderAsTypeFileOfTheCurrentSpi() {
        assertThat(ServiceLoader.load(StateStoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(provider -> provider.type().equals("file"))
                .singleElement()
                .isInstanceOf(FileStateStoreProvider.class)
                .satisfies(provider -> assertThat(provider.spiVersion()).isEqualTo(SpiVersion.CURRENT));
    }

    @Test
    void createsAStoreAtThePathRelativeToTheConfigurationWithoutTouchingTheDisk() throws Exception {
        YamlPluginConfig config = config(Map.of("path", "state/mfa-state.json"));

        StateStore store = new FileStateStoreProvider().create(config, TestContext.of("state"));

        assertThat(store.describe()).isEqualTo("file " + configDirectory.resolve("state").resolve("mfa-state.json"));
        assertThat(config.unusedKeys()).isEmpty();
        try (Stream<Path> files = Files.list(configDirectory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMissingPathIsAConfigurationErrorNamingTheKey() {
        assertThatThrownBy(() -> new FileStateStoreProvider().create(config(Map.of()), TestContext.of("state")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("state 'state' (type file)")
                .hasMessageContaining("'path'")
                .hasMessageContaining("is required");
    }

    @Test
    void aDirectoryIsNotAStateFile() {
        assertThatThrownBy(() -> new FileStateStoreProvider().create(config(Map.of("path", ".")), TestContext.of("state")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'path'")
                .hasMessageContaining(configDirectory + " is a directory; name a file in it, such as "
                        + configDirectory.resolve("mfa-state.json"));
    }

    private YamlPluginConfig config(Map<String, ?> values) {
        return new YamlPluginConfig("state", "state", "file", values, configDirectory, name -> null);
    }
}
