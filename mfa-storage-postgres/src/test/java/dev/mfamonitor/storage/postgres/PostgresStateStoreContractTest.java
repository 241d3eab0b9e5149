package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.testkit.StateStoreContract;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The state store contract against a real PostgreSQL: one schema per test directory. */
class PostgresStateStoreContractTest extends StateStoreContract {
    private static final Map<Path, String> SCHEMAS = new ConcurrentHashMap<>();

    @Override
    protected StateStore createStore(Path directory) {
        String schema = SCHEMAS.computeIfAbsent(directory, d -> TestPostgres.freshSchema("contract"));
        return new PostgresStateStore(TestPostgres.shared().settings(schema));
    }
}
