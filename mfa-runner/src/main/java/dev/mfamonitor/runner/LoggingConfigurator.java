package dev.mfamonitor.runner;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The runner's logging, set up in code (found by logback through {@code META-INF/services}), so that no start parses a
 * {@code logback.xml}: that took about 170 ms of a quickstart run and loaded some 150 XML classes for it. Logs go to
 * standard error, which leaves standard output to results. {@code -Dlogback.configurationFile=FILE} still replaces it.
 */
public final class LoggingConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    /**
     * Third-party loggers that stay at INFO even under {@code -v}: at DEBUG some print secrets (the AWS SDK's signer its
     * canonical requests, HTTP clients their headers). The list is a resource, {@code libraries-kept-at-info.txt}, which
     * the AWS plugin's tests read too.
     */
    static final String LIBRARIES_KEPT_AT_INFO = "libraries-kept-at-info.txt";

    /** For the service loader. */
    public LoggingConfigurator() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the user's own file, read by logback's XML configurator
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        for (String library : librariesKeptAtInfo()) {
            context.getLogger(library).setLevel(Level.INFO);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static List<String> librariesKeptAtInfo() {
        try (InputStream in = LoggingConfigurator.class.getResourceAsStream(LIBRARIES_KEPT_AT_INFO)) {
            if (in == null) {
                throw new IllegalStateException(LIBRARIES_KEPT_AT_INFO + " is missing from the runner jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LIBRARIES_KEPT_AT_INFO + " from the runner jar", e);
        }
    }
}
