package dev.mfamonitor.spi;

import java.time.Duration;

/**
 * Waits. Plugins wait only through the {@link PluginContext#sleeper()} they are given, never with
 * {@link Thread#sleep}, so that tests replace time instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {
    /**
     * Waits for {@code duration}.
     *
     * @throws InterruptedException when the engine interrupts the wait (its deadline passed): stop at once
     */
    void sleep(Duration duration) throws InterruptedException;
}
