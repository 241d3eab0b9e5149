package dev.mfamonitor.core.inventory;

import java.io.IOException;

/**
 * An inventory file that cannot be read or is wrong. The message names the file, the line and what is accepted, for
 * example {@code inventory accounts.yaml line 7: mfa 'maybe' is not an MFA status; use one of enabled, disabled,
 * not_applicable, unknown}; the engine shows it as the monitor's failure.
 */
public class InventoryException extends IOException {
    private static final long serialVersionUID = 1L;

    public InventoryException(String message) {
        super(message);
    }

    public InventoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
