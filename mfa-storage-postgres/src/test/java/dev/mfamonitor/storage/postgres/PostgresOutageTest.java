package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.testkit.States;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.mfamonitor.storage.postgres.PostgresStateStoreTest.account;
import static dev.mfamonitor.storage.postgres.PostgresStateStoreTest.commit;
import static dev.mfamonitor.storage.postgres.PostgresStateStoreTest.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A database that stops, or a network that goes silent, in the middle of a run. */
class PostgresOutageTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path data;

    @Test
    void aStoppedDatabaseFailsTheRunsCallsAtOnceNamingItAndKeepsWhatWasCommitted() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        TestPostgres server = TestPostgres.startEmbedded(data, port);
        String schema = "outage";
        MonitorState committed = States.after(Snapshot.of("github", T0, List.of(account("1", MfaStatus.DISABLED))));
        OutboxEntry pending = entry("e1", T0);
        PostgresStateStore store = new PostgresStateStore(server.settings(schema));
        try {
            StateStore.Lock lock = store.lock();
            store.commit(commit(Map.of("gh", committed), List.of(pending), Set.of()));

            server.stop();
            long start = System.nanoTime();
            Delivery delivered = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(T0), Optional.empty());
            assertThatThrownBy(() -> store.mark(List.of(new DeliveryMark("e1", "slack", delivered))))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("PostgreSQL database 'postgres' on 127.0.0.1:" + port + ", schema outage: ");
            assertThatThrownBy(() -> store.commit(commit(Map.of("gh", MonitorState.NEW), List.of(), Set.of())))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("PostgreSQL database 'postgres' on 127.0.0.1:" + port)
                    .hasMessageContaining("lost earlier in this run");
            lock.close();
            store.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        } finally {
            store.close();
        }

        TestPostgres again = TestPostgres.startEmbedded(data, port);
        try {
            PostgresStateStore next = new PostgresStateStore(again.settings(schema));
            try (StateStore.Lock lock = next.lock()) {
                assertThat(next.load()).isEqualTo(new StoredState(Map.of("gh", committed), List.of(pending)));
            } finally {
                next.close();
            }
        } finally {
            again.stop();
        }
    }

    @Test
    void aNetworkThatGoesSilentEndsEachCallWithinTheStatementTimeoutPlusFiveSeconds() throws Exception {
        TestPostgres server = TestPostgres.shared();
        int port = Integer.parseInt(server.url().replaceAll(".*:(\\d+)/.*", "$1"));
        try (FreezingProxy proxy = new FreezingProxy(port)) {
            String url = server.url().replace(":" + port + "/", ":" + proxy.port() + "/");
            PostgresSettings base = server.settings(TestPostgres.freshSchema("silent"));
            PostgresSettings settings = new PostgresSettings(url, base.username(), base.password(), base.schema(),
                    Duration.ofSeconds(1), Duration.ofSeconds(1));
            PostgresStateStore store = new PostgresStateStore(settings);
            try {
                StateStore.Lock lock = store.lock();
                store.commit(commit(Map.of(), List.of(), Set.of()));
                proxy.freeze();

                long start = System.nanoTime();
                assertThatThrownBy(() -> store.commit(commit(Map.of("gh", MonitorState.NEW), List.of(), Set.of())))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("PostgreSQL database 'postgres' on 127.0.0.1:" + proxy.port());
                Duration first = Duration.ofNanos(System.nanoTime() - start);
                assertThat(first).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(9));
                // The run's later calls fail at once instead of adding a timeout each.
                long later = System.nanoTime();
                assertThatThrownBy(() -> store.mark(List.of(new DeliveryMark("x", "y", Delivery.NEW))))
                        .isInstanceOf(IOException.class).hasMessageContaining("lost earlier in this run");
                lock.close();
                assertThat(Duration.ofNanos(System.nanoTime() - later)).isLessThan(Duration.ofSeconds(1));
            } finally {
                store.close();
            }
        }
    }
}
