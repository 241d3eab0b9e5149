package dev.mfamonitor.spi;

/**
 * A notification that was not delivered. The events stay pending and are offered again in the next run.
 * The message is shown to people: it says what failed and what to do, and never contains a secret.
 */
public class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean permanent;

    /**
     * @param permanent whether retrying as is cannot help (a revoked token, an archived channel), so a person must act
     */
    public DeliveryException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public DeliveryException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    /** Whether retrying as is cannot help. */
    public boolean permanent() {
        return permanent;
    }
}
