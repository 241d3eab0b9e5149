package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.testkit.MonitorContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in inventory monitor against the monitor contract. It lives in mfa-testkit because mfa-core cannot
 * depend on the testkit (the testkit depends on mfa-core).
 */
class InventoryMonitorContractTest extends MonitorContract {
    @TempDir
    Path directory;

    private Path file() throws Exception {
        Path file = directory.resolve("accounts.csv");
        if (!Files.exists(file)) {
            Files.writeString(file, "id,name,mfa\n1001,alice,enabled\n1002,bob,disabled\n1003,carol,not_applicable\n");
        }
        return file;
    }

    @Override
    protected Monitor createMonitor() throws Exception {
        return new InventoryMonitorProvider().create(dev.mfamonitor.core.config.YamlPluginConfig.of("monitor", "sheet", "inventory",
                Map.of("path", file().toString())), dev.mfamonitor.testkit.TestContext.of("sheet"));
    }

    /** The file is cut off in the middle of a row, as a half-finished copy would be. */
    @Override
    protected void breakPartOfSource() throws Exception {
        Files.writeString(file(), "id,name,mfa\n1001,alice,enabled\n1002,bob");
    }

    /** An inventory file holds no secret. */
    @Override
    protected Optional<String> secretCanary() {
        return Optional.empty();
    }

    /** A file cannot echo a credential. */
    @Override
    protected void makeSourceEchoTheSecret() {
    }
}
