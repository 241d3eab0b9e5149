package dev.mfamonitor.spi;

/**
 * The stored state exists but cannot be read. The message names the store, what is wrong with it and how to recover;
 * the stored bytes were left as they were.
 */
public class StateUnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    public StateUnreadableException(String message) {
        super(message);
    }

    public StateUnreadableException(String message, Throwable cause) {
        super(message, cause);
    }
}
