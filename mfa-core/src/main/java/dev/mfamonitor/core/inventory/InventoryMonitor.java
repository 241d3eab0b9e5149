package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads accounts from a file people keep by hand (YAML or CSV), for services without an API and for the quickstart.
 * The file is read afresh on every {@link #snapshot}, so an edit shows in the next run without a restart, and as a
 * stream, so a million-row export needs memory for its accounts only.
 */
public final class InventoryMonitor implements Monitor {
    /** The service of a file that names none and a configuration that names none. */
    public static final String DEFAULT_SERVICE = "inventory";

    private final String monitorId;
    private final Path file;
    private final InventoryFormat format;
    private final Optional<String> service;
    private final Clock clock;

    /**
     * @param monitorId the instance id, for messages
     * @param file      the inventory file; its extension chooses the format
     * @param service   the service to report, overriding the file's; empty to use the file's or {@value #DEFAULT_SERVICE}
     * @param clock     gives {@link Snapshot#observedAt()}
     * @throws IllegalArgumentException when the extension is none of .yaml, .yml, .csv
     */
    public InventoryMonitor(String monitorId, Path file, Optional<String> service, Clock clock) {
        this.monitorId = Objects.requireNonNull(monitorId, "monitorId");
        this.file = file.toAbsolutePath().normalize();
        this.format = InventoryFormat.of(file).orElseThrow(() -> new IllegalArgumentException(
                "inventory " + file.getFileName() + ": cannot read this kind of file; use " + InventoryFormat.SUPPORTED));
        this.service = Objects.requireNonNull(service, "service");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The file this monitor reads. */
    public Path file() {
        return file;
    }

    /**
     * Reads the file.
     *
     * @throws InventoryException when it is missing, unreadable or wrong; the message names the file and the line
     */
    @Override
    public Snapshot snapshot(ScanRequest request) throws InventoryException {
        InventoryText text = new InventoryText(String.valueOf(file.getFileName()));
        Inventory inventory;
        try (TrackedReader input = InventoryInput.open(file, monitorId)) {
            inventory = switch (format) {
                case YAML -> YamlInventoryReader.read(text, input);
                case CSV -> CsvInventoryReader.read(text, input);
            };
        } catch (IOException e) {
            if (e instanceof InventoryException inventoryException) {
                throw inventoryException;
            }
            throw text.error("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String serviceName = service.or(inventory::service).orElse(DEFAULT_SERVICE);
        return Snapshot.of(serviceName, clock.instant(), inventory.accounts());
    }

    /** Holds nothing between snapshots. */
    @Override
    public void close() {
    }
}
