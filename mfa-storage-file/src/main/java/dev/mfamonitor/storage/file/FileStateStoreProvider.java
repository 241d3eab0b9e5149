package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StateStoreProvider;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * State store type {@code file}: {@code state: { type: file, path: ./state/mfa-state.json }}.
 *
 * <p>Keys: {@code path} (required), the state file, relative to the configuration file's directory. Its lock is the
 * sibling {@code <path>.lock}. Nothing is read or created on disk until the run takes the lock.
 */
public final class FileStateStoreProvider implements StateStoreProvider {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public StateStore create(PluginConfig config) {
        if (config.string("path").isBlank()) {
            throw config.error("path", "is empty; name the state file, such as ./state/mfa-state.json");
        }
        Path path = config.path("path");
        if (Files.isDirectory(path)) {
            throw config.error("path", path + " is a directory; name a file in it, such as " + path.resolve("mfa-state.json"));
        }
        return new FileStateStore(path);
    }
}
