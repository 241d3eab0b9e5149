package dev.mfamonitor.runner;

import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.FileStateStore;
import dev.mfamonitor.storage.postgres.PostgresSettings;
import dev.mfamonitor.storage.postgres.PostgresStateStore;
import dev.mfamonitor.testkit.StateStoreContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code state copy}: a file state into PostgreSQL and back, snapshots and pending deliveries kept. */
class StateCopyCommandTest {
    private static EmbeddedPostgres server;

    @TempDir
    Path directory;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private Path config(String name, String state) throws Exception {
        Files.writeString(directory.resolve("accounts.yaml"), "service: example\naccounts:\n  - { id: \"1\", name: a, mfa: enabled }\n");
        Path file = directory.resolve(name);
        Files.writeString(file, "state: " + state + "\nmonitors:\n  - { id: sheet, type: inventory, path: accounts.yaml }\n"
                + "notifiers:\n  - { id: console, type: console }\n");
        return file;
    }

    private String url() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
    }

    @Test
    void aFileStateMovesIntoPostgresAndBackWhole() throws Exception {
        StoredState state = StateStoreContract.richState();
        FileStateStore file = new FileStateStore(directory.resolve("state.json"));
        RunCommit withHistory = StateStoreContract.historyCommitOf(state, StateStoreContract.RUN_1);
        file.commit(withHistory);
        dev.mfamonitor.spi.state.History history = new dev.mfamonitor.spi.state.History(withHistory.history(),
                withHistory.runs());
        Path fileConfig = config("file.yaml", "{ type: file, path: state.json }");
        Path pgConfig = config("pg.yaml", "{ type: postgres, url: \"" + url() + "\", username: postgres, schema: copied }");

        assertThat(Main.execute("state", "copy", "--from", fileConfig.toString(), "--to", pgConfig.toString())).isEqualTo(0);
        try (StateStore postgres = new PostgresStateStore(PostgresSettings.of(url(), Optional.of("postgres"),
                Optional.empty(), "copied"))) {
            assertThat(postgres.load()).isEqualTo(state);
            assertThat(postgres.history(dev.mfamonitor.spi.state.HistoryQuery.ALL)).as("the history moves too")
                    .isEqualTo(history);
        }
        assertThat(file.load()).isEqualTo(state);

        // Into a store that already holds a state: refused, nothing changed.
        assertThat(Main.execute("state", "copy", "--from", fileConfig.toString(), "--to", pgConfig.toString())).isEqualTo(2);

        Path backConfig = config("back.yaml", "{ type: file, path: back/state.json }");
        assertThat(Main.execute("state", "copy", "--from", pgConfig.toString(), "--to", backConfig.toString())).isEqualTo(0);
        assertThat(new FileStateStore(directory.resolve("back/state.json")).load()).isEqualTo(state);
        assertThat(new FileStateStore(directory.resolve("back/state.json"))
                .history(dev.mfamonitor.spi.state.HistoryQuery.ALL)).isEqualTo(history);
    }

    @Test
    void aStoreInUseByARunIsNotCopiedFromOrInto() throws Exception {
        StoredState state = StateStoreContract.richState();
        FileStateStore file = new FileStateStore(directory.resolve("state.json"));
        file.commit(new RunCommit(state.monitors(), state.outbox(), List.of(), Set.of()));
        Path fileConfig = config("file.yaml", "{ type: file, path: state.json }");
        Path pgConfig = config("pg.yaml", "{ type: postgres, url: \"" + url() + "\", username: postgres, schema: busy }");
        try (StateStore running = new PostgresStateStore(PostgresSettings.of(url(), Optional.of("postgres"),
                Optional.empty(), "busy")); StateStore.Lock lock = running.lock()) {
            assertThat(Main.execute("state", "copy", "--from", fileConfig.toString(), "--to", pgConfig.toString())).isEqualTo(4);
            assertThat(running.load()).isEqualTo(StoredState.EMPTY);
        }
    }
}
