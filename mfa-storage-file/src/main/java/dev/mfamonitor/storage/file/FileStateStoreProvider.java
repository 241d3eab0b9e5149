package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StateStoreProvider;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * State store type {@code file}: {@code state: { type: file, path: ./state/mfa-state.json }}.
 *
 * <p>Keys: {@code path} (required), the state file, relative to the configuration file's directory. Beside it live
 * its lock ({@code <path>.lock}) and its delivery journal ({@code <path>.journal}); when {@code path} is a symbolic
 * link, they live beside the link's target. Nothing is read or created on disk until the run takes the lock.
 */
public final class FileStateStoreProvider implements StateStoreProvider {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public StateStore create(PluginConfig config, PluginContext context) {
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
