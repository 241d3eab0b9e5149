package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Notifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real engine on the PostgreSQL store, the database stopping in the middle of a run: the run ends quickly with
 * exit 70 and a message naming the database, nothing committed is lost, and the next run (database back) catches up
 * without a new baseline.
 */
class DatabaseStopsMidRunTest {
    private static final String SCHEMA = "midrun";

    @TempDir
    Path data;

    private int port;
    private TestPostgres server;
    private final List<ChangeEvent> sent = new CopyOnWriteArrayList<>();
    private final AtomicLong stoppedAt = new AtomicLong();

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        server = TestPostgres.startEmbedded(data, port);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.stop();
        }
    }

    private void stopDatabase() {
        try {
            server.stop();
            server = null;
            stoppedAt.set(System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RunReport run(int generation, Runnable duringScan, Runnable duringSend) {
        PostgresStateStore store = new PostgresStateStore(TestPostgres.settingsFor("jdbc:postgresql://127.0.0.1:" + port
                + "/postgres", SCHEMA));
        Notifier recorder = notification -> {
            duringSend.run();
            sent.addAll(notification.events());
            return DeliveryResult.delivered();
        };
        try (RunEngine engine = RunEngine.builder().stateStore(store)
                .monitor("github-acme", request -> {
                    duringScan.run();
                    return RunnerChild.snapshot(generation, Instant.now());
                })
                .notifier("recorder", recorder).build()) {
            return engine.run();
        }
    }

    private static final Runnable NOTHING = () -> { };

    @Test
    void stoppedBeforeTheCommitTheRunEndsWith70NamingTheDatabaseAndTheNextRunAlertsWithoutABaseline() throws Exception {
        assertThat(run(0, NOTHING, NOTHING).exitCode()).isEqualTo(ExitCode.OK);
        sent.clear();

        RunReport failed = run(1, this::stopDatabase, NOTHING);
        Duration took = Duration.ofNanos(System.nanoTime() - stoppedAt.get());
        assertThat(failed.exitCode()).isEqualTo(ExitCode.INTERNAL);
        assertThat(failed.message()).contains("could not write the state to PostgreSQL database 'postgres' on 127.0.0.1:" + port);
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(sent).isEmpty();

        server = TestPostgres.startEmbedded(data, port);
        RunReport next = run(1, NOTHING, NOTHING);
        assertThat(next.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(sent).extracting(ChangeEvent::type).containsExactly(EventType.MFA_DISABLED);
        assertThat(sent.get(0).account().orElseThrow().id()).isEqualTo("a0");
    }

    @Test
    void stoppedAfterTheCommitTheRunEndsQuicklyNamingTheDatabaseAndTheNextRunSendsWhatWasNotRecorded() throws Exception {
        assertThat(run(0, NOTHING, NOTHING).exitCode()).isEqualTo(ExitCode.OK);
        sent.clear();

        RunReport failed = run(1, NOTHING, this::stopDatabase);
        Duration took = Duration.ofNanos(System.nanoTime() - stoppedAt.get());
        // The scan was committed; only the delivery marks failed.
        assertThat(failed.exitCode()).isIn(ExitCode.INTERNAL, ExitCode.INCOMPLETE);
        assertThat(failed.message()).contains("PostgreSQL database 'postgres' on 127.0.0.1:" + port);
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(sent).extracting(ChangeEvent::type).containsExactly(EventType.MFA_DISABLED);
        String id = sent.get(0).id();
        sent.clear();

        server = TestPostgres.startEmbedded(data, port);
        RunReport next = run(1, NOTHING, NOTHING);
        assertThat(next.exitCode()).isEqualTo(ExitCode.OK);
        // The committed alert was kept: sent again with the same id (its delivery was never recorded), no baseline.
        assertThat(sent).extracting(ChangeEvent::id).containsExactly(id);
        sent.clear();
        assertThat(run(1, NOTHING, NOTHING).exitCode()).isEqualTo(ExitCode.OK);
        assertThat(sent).isEmpty();
    }
}
