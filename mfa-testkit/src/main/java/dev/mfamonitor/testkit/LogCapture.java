package dev.mfamonitor.testkit;

import java.util.List;

/**
 * Every log line written while it is open, at every level, when Logback is the SLF4J binding of the class path (add
 * {@code ch.qos.logback:logback-classic} in test scope); otherwise it captures nothing and says so with
 * {@link #active()}. For canary tests: a secret must not appear in any line, whatever the level.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.start()) {
 *     monitor.snapshot(request);
 *     assertThat(logs.lines()).noneMatch(line -> line.contains(CANARY));
 * }
 * }</pre>
 */
public interface LogCapture extends AutoCloseable {

    /** Starts capturing: the root logger (and so every logger that does not say otherwise) goes to DEBUG, then TRACE. */
    static LogCapture start() {
        try {
            Class.forName("ch.qos.logback.classic.LoggerContext", false, LogCapture.class.getClassLoader());
            if (org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName().equals("ch.qos.logback.classic.LoggerContext")) {
                return LogbackCapture.begin();
            }
        } catch (ClassNotFoundException | LinkageError noLogback) {
            // below
        }
        return new LogCapture() {
            @Override
            public List<String> lines() {
                return List.of();
            }

            @Override
            public boolean active() {
                return false;
            }

            @Override
            public void close() {
            }
        };
    }

    /** The lines so far: level, logger, formatted message and, for an exception, its class, message and causes. */
    List<String> lines();

    /** Whether lines are really captured (Logback is the binding). */
    boolean active();

    /** Stops capturing and restores the levels. */
    @Override
    void close();
}
