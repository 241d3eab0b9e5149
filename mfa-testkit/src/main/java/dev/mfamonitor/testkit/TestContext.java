package dev.mfamonitor.testkit;

import dev.mfamonitor.core.context.EngineHttpRules;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.spi.HttpRules;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link PluginContext} for tests whose time the test owns: a wall clock and a monotonic ticker that move only when
 * the test (or a sleep) moves them, and a sleeper that advances both instead of sleeping and records every wait. The
 * redactor and the HTTP rules are the engine's own.
 *
 * <pre>
 * TestContext context = TestContext.of("github-acme").withSecrets(token);
 * Monitor monitor = new GitHubMonitorProvider().create(config, context);
 * ...
 * assertThat(context.sleeps()).containsExactly(Duration.ofSeconds(60));
 * </pre>
 */
public final class TestContext implements PluginContext {
    private final String instanceId;
    private final AtomicLong nanos = new AtomicLong();
    private volatile Instant wallStart;
    private final List<Duration> sleeps = new ArrayList<>();
    private final SecretRedactor redactor = new SecretRedactor();
    private final EngineHttpRules http;

    private TestContext(String instanceId, Instant start) {
        this.instanceId = instanceId;
        this.wallStart = start;
        this.http = new EngineHttpRules("test plugin '" + instanceId + "'");
    }

    /** A context for instance {@code id} whose wall clock starts at 2026-01-01T00:00:00Z. */
    public static TestContext of(String id) {
        return new TestContext(id, Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A context whose wall clock starts at {@code start}. */
    public static TestContext at(String id, Instant start) {
        return new TestContext(id, start);
    }

    /** Makes the redactor know these secrets, as the engine's knows every configured one. */
    public TestContext withSecrets(Secret... secrets) {
        for (Secret secret : secrets) {
            redactor.add(secret);
        }
        return this;
    }

    /** Makes the redactor know these secret values. */
    public TestContext withSecretValues(String... values) {
        for (String value : values) {
            redactor.add(value);
        }
        return this;
    }

    /** Moves both clocks forward. */
    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    /** Every wait a plugin asked for, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** The sum of all waits. */
    public synchronized Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** The current wall time of this context. */
    public Instant now() {
        return wallStart.plusNanos(nanos.get());
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    @Override
    public LongSupplier nanoTime() {
        return nanos::get;
    }

    @Override
    public Sleeper sleeper() {
        return duration -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted before sleeping");
            }
            synchronized (this) {
                sleeps.add(duration);
            }
            advance(duration);
        };
    }

    @Override
    public Redactor redactor() {
        return redactor;
    }

    @Override
    public HttpRules http() {
        return http;
    }
}
