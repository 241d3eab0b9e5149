package dev.mfamonitor.core.inventory;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The file formats an inventory can be written in, chosen by the file's extension. */
enum InventoryFormat {
    YAML, CSV;

    /** What {@link #of} accepts, for messages. */
    static final String SUPPORTED = ".yaml, .yml or .csv";

    static Optional<InventoryFormat> of(Path file) {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return Optional.of(YAML);
        } else if (lower.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        return Optional.empty();
    }
}
