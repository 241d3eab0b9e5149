package dev.mfamonitor.monitor.aws;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Logging as the runner sets it up under {@code -v}: the third-party loggers its LoggingConfigurator keeps at INFO
 * (read from the list in the runner module's sources, so that the test checks the file that ships), then the root
 * logger at DEBUG, as {@code Main} does for {@code --verbose}. Every line is captured; closing restores the tests'
 * own configuration.
 */
final class RunnerLogging extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    static final Path RUNNER_CONFIG = Path.of("..", "mfa-runner", "src", "main", "resources", "dev", "mfamonitor", "runner",
            "libraries-kept-at-info.txt");
    private final List<String> lines = new CopyOnWriteArrayList<>();

    static RunnerLogging verbose() throws Exception {
        if (!Files.isRegularFile(RUNNER_CONFIG)) {
            throw new IllegalStateException("the runner's logging configuration is not at " + RUNNER_CONFIG.toAbsolutePath());
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        for (String library : Files.readAllLines(RUNNER_CONFIG)) {
            if (!library.isBlank() && !library.startsWith("#")) {
                context.getLogger(library.strip()).setLevel(Level.INFO);
            }
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.DEBUG);
        RunnerLogging capture = new RunnerLogging();
        capture.setContext(context);
        capture.start();
        root.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage());
    }

    List<String> lines() {
        return new ArrayList<>(lines);
    }

    @Override
    public void close() throws Exception {
        LoggerContext context = (LoggerContext) getContext();
        stop();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }
}
