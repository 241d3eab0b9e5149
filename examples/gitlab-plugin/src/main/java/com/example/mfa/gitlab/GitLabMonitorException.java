package com.example.mfa.gitlab;

/** A snapshot that could not be taken. The message says what happened and what to do, and never contains the token. */
final class GitLabMonitorException extends Exception {
    private static final long serialVersionUID = 1L;

    GitLabMonitorException(String message) {
        super(message);
    }

    GitLabMonitorException(String message, Throwable cause) {
        super(message, cause);
    }
}
