package dev.mfamonitor.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link LogCapture} on Logback; loaded only when Logback is the binding. */
final class LogbackCapture extends AppenderBase<ILoggingEvent> implements LogCapture {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<Logger, Level> levels = new LinkedHashMap<>();
    private final Logger root;

    private LogbackCapture(LoggerContext context) {
        this.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        setContext(context);
        setName("mfa-testkit-capture");
    }

    static LogCapture begin() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogbackCapture capture = new LogbackCapture(context);
        capture.start0();
        return capture;
    }

    private void start0() {
        // Everything: the root and every logger given its own level (a logback-test.xml may cap some).
        LoggerContext context = (LoggerContext) getContext();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                levels.put(logger, logger.getLevel());
                logger.setLevel(Level.TRACE);
            }
        }
        levels.putIfAbsent(root, root.getLevel());
        root.setLevel(Level.TRACE);
        super.start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder();
        line.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ").append(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            if (frames != null && frames.length > 0) {
                line.append(" at ").append(frames[0].getSTEAsString());
            }
        }
        lines.add(line.toString());
    }

    @Override
    public List<String> lines() {
        return new ArrayList<>(lines);
    }

    @Override
    public boolean active() {
        return true;
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
        levels.forEach(Logger::setLevel);
    }
}
