package dev.mfamonitor.monitor.google;

/** A read of the Workspace failed; the message is for people and holds no secret (it was built from redacted text). */
final class GoogleWorkspaceException extends Exception {
    private static final long serialVersionUID = 1L;

    GoogleWorkspaceException(String message) {
        super(message);
    }
}
