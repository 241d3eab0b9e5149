package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.testkit.StateStoreContract;

import java.nio.file.Path;

class FileStateStoreContractTest extends StateStoreContract {

    @Override
    protected StateStore createStore(Path directory) {
        return new FileStateStore(directory.resolve("state").resolve("mfa-state.json"));
    }
}
