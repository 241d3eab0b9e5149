package dev.mfamonitor.core.context;

import dev.mfamonitor.spi.HttpRules;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.spi.Sleeper;

import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;

/** The {@link PluginContext} the engine hands each plugin instance. */
public record EnginePluginContext(String instanceId, Clock clock, LongSupplier nanoTime, Sleeper sleeper,
                                  Redactor redactor, HttpRules http) implements PluginContext {
    public EnginePluginContext {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(redactor, "redactor");
        Objects.requireNonNull(http, "http");
    }

    /** The context of a real run: the system clocks, real sleeps. */
    public static EnginePluginContext system(String instanceId, String description, Redactor redactor) {
        return new EnginePluginContext(instanceId, Clock.systemUTC(), System::nanoTime,
                duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000),
                redactor, new EngineHttpRules(description));
    }
}
