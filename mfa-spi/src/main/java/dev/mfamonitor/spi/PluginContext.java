package dev.mfamonitor.spi;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * What the engine hands a provider with each {@link PluginProvider#create}: who the instance is, time, and the rules
 * and tools every plugin shares. Plugins take time, waits and redaction from here rather than from the JDK, so that
 * tests replace time instead of sleeping and every secret is redacted the same way.
 */
public interface PluginContext {

    /** The instance id from the configuration ({@code github-acme}). */
    String instanceId();

    /** The wall clock, for timestamps only (an event's time, a JWT's {@code iat}); never for measuring durations. */
    Clock clock();

    /** A monotonic clock in nanoseconds, for measuring durations and building {@link Deadline}s. */
    LongSupplier nanoTime();

    /** Waits; the only way a plugin should wait. */
    Sleeper sleeper();

    /** Knows every secret of the configuration; see {@link Redactor}. */
    Redactor redactor();

    /** The HTTP rules every plugin must follow. */
    HttpRules http();
}
