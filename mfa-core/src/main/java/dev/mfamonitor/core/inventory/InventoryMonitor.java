package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads accounts from a file people keep by hand (YAML or CSV), for services without an API and for the quickstart.
 * The file is read afresh on every {@link #snapshot}, so an edit shows in the next run without a restart.
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
        InventoryText text = new InventoryText(String.valueOf(file.getFileName()), read());
        Inventory inventory = switch (format) {
            case YAML -> YamlInventoryReader.read(text);
            case CSV -> CsvInventoryReader.read(text);
        };
        String serviceName = service.or(inventory::service).orElse(DEFAULT_SERVICE);
        return Snapshot.of(serviceName, clock.instant(), inventory.accounts());
    }

    /** Holds nothing between snapshots. */
    @Override
    public void close() {
    }

    private String read() throws InventoryException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InventoryException("inventory file " + file + " does not exist; create it or correct 'path' of "
                    + "monitor '" + monitorId + "'");
        } catch (AccessDeniedException e) {
            throw new InventoryException("inventory file " + file + " cannot be read: permission denied; let the user "
                    + "running mfa-monitor read it");
        } catch (IOException e) {
            throw new InventoryException("inventory file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + (Files.isDirectory(file) ? ": it is a directory" : "") + "); check 'path' of monitor '" + monitorId + "'", e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InventoryException("inventory " + file.getFileName() + ": is not UTF-8 text; save it as UTF-8", e);
        }
        // Spreadsheets and Windows editors start UTF-8 files with a byte order mark.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
