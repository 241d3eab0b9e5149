package dev.mfamonitor.spi;

/** Another run holds the store's lock. The message names the store. */
public class StateLockedException extends Exception {
    private static final long serialVersionUID = 1L;

    public StateLockedException(String message) {
        super(message);
    }
}
