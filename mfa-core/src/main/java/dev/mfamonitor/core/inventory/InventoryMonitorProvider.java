package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.SpiVersion;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code type: inventory}: accounts from a YAML or CSV file.
 *
 * <pre>
 * monitors:
 *   - { id: quickstart, type: inventory, path: accounts.yaml }            # relative to the configuration file
 *   - { id: hr-sheet, type: inventory, path: hr.csv, service: hr-portal }  # service: optional
 * </pre>
 *
 * <p>Only the key is checked here; the file is read on every snapshot, so a missing file is a monitor failure of the
 * run rather than a configuration error.
 */
public final class InventoryMonitorProvider implements MonitorProvider {

    @Override
    public String type() {
        return "inventory";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        Path path = config.path("path");
        Optional<String> service = config.optionalString("service").map(String::trim);
        if (service.isPresent() && service.get().isEmpty()) {
            throw config.error("service", "is empty; name the service or leave the key out");
        }
        if (InventoryFormat.of(path).isEmpty()) {
            throw config.error("path", "'" + path.getFileName() + "' is not an inventory file; use a file ending in "
                    + InventoryFormat.SUPPORTED);
        }
        return new InventoryMonitor(config.id(), path, service, context.clock());
    }
}
