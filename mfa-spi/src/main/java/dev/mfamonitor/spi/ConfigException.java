package dev.mfamonitor.spi;

/**
 * The configuration is wrong. The message names the instance, the key and the bad value (never a secret's value) and
 * says what to do. A run that meets one exits with the configuration error code before touching anything.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
