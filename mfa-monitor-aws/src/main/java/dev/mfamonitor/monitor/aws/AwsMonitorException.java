package dev.mfamonitor.monitor.aws;

/** The monitor could not read its source; the message says what happened and what to do, and holds no secret. */
public final class AwsMonitorException extends Exception {
    private static final long serialVersionUID = 1L;

    public AwsMonitorException(String message) {
        super(message);
    }
}
