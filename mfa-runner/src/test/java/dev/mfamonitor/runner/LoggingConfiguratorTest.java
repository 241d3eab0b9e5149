package dev.mfamonitor.runner;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingConfiguratorTest {
    @Test
    void logsToStandardErrorAtInfoAndKeepsTheLibrariesThatPrintSecretsAtInfo() {
        LoggerContext context = new LoggerContext();
        LoggingConfigurator configurator = new LoggingConfigurator();
        configurator.setContext(context);

        assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        assertThat(LoggingConfigurator.librariesKeptAtInfo()).containsExactly("software.amazon.awssdk", "org.apache.http",
                "org.apache.hc", "okhttp3", "com.slack.api", "io.netty");

        root.setLevel(Level.DEBUG); // -v
        for (String library : LoggingConfigurator.librariesKeptAtInfo()) {
            assertThat(context.getLogger(library + ".signer.Aws4Signer").isDebugEnabled()).as(library).isFalse();
        }
        assertThat(context.getLogger("dev.mfamonitor.core.RunEngine").isDebugEnabled()).isTrue();
    }

    @Test
    void logbackFindsItThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()))
                .containsExactly(LoggingConfigurator.class.getName());
    }
}
