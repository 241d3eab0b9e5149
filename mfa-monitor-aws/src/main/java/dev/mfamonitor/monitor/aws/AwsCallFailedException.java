package dev.mfamonitor.monitor.aws;

/** A read of AWS failed; the message is for people: what, in which account, and what to do. Never holds a secret. */
final class AwsCallFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    AwsCallFailedException(String message) {
        super(message);
    }
}
