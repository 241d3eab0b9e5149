package dev.mfamonitor.spi;

/** How urgently a person should look at an event, most severe first. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO
}
