package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StateStoreProvider;
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
    void isFoundByServiceLoaderAsTypeFile() {
        assertThat(ServiceLoader.load(StateStoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(provider -> provider.type().equals("file"))
                .singleElement()
                .isInstanceOf(FileStateStoreProvider.class);
    }

    @Test
    void createsAStoreAtThePathRelativeToTheConfigurationWithoutTouchingTheDisk() throws Exception {
        PluginConfig config = config(Map.of("path", "state/mfa-state.json"));

        StateStore store = new FileStateStoreProvider().create(config);

        assertThat(store.describe()).isEqualTo("file " + configDirectory.resolve("state").resolve("mfa-state.json"));
        assertThat(config.unusedKeys()).isEmpty();
        try (Stream<Path> files = Files.list(configDirectory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMissingPathIsAConfigurationErrorNamingTheKey() {
        assertThatThrownBy(() -> new FileStateStoreProvider().create(config(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("state 'state' (type file)")
                .hasMessageContaining("'path'")
                .hasMessageContaining("is required");
    }

    @Test
    void aDirectoryIsNotAStateFile() {
        assertThatThrownBy(() -> new FileStateStoreProvider().create(config(Map.of("path", "."))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'path'")
                .hasMessageContaining(configDirectory + " is a directory; name a file in it, such as "
                        + configDirectory.resolve("mfa-state.json"));
    }

    private PluginConfig config(Map<String, ?> values) {
        return new PluginConfig("state", "state", "file", values, configDirectory, name -> null);
    }
}
