package dev.mfamonitor.storage.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalInt;

/**
 * The schema's versioned SQL files ({@code migrations/V<n>__<what>.sql}), applied in order inside the caller's
 * transaction, each recorded in {@code <schema>.schema_version}. A dozen lines instead of a migration library: one
 * schema, one database, migrations that run under the store's own lock, and nothing to add to the runnable jar.
 */
final class Migrations {

    /** The files, oldest first; file {@code i} (from 0) brings the schema to version {@code i + 1}. */
    static final List<String> FILES = List.of("V1__initial.sql", "V2__history.sql");
    static final int LATEST = FILES.size();

    private Migrations() {
    }

    /** The version recorded in the schema; empty when there is no mfa-monitor schema there yet. */
    static OptionalInt installedVersion(Connection connection, String schema) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, schema + ".schema_version");
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    return OptionalInt.empty();
                }
            }
        }
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT max(version) FROM " + schema + ".schema_version")) {
            row.next();
            int version = row.getInt(1);
            return row.wasNull() ? OptionalInt.empty() : OptionalInt.of(version);
        }
    }

    /**
     * Creates the schema or brings it to {@link #LATEST}, in the caller's transaction (PostgreSQL's DDL is
     * transactional: a failed migration leaves nothing behind). The caller holds the store's lock.
     *
     * @throws IOException when the schema is newer than this runner knows
     */
    static void migrate(Connection connection, String schema, String describe) throws SQLException, IOException {
        OptionalInt installed = installedVersion(connection, schema);
        int version = installed.orElse(0);
        if (version == LATEST) {
            return;
        }
        if (version > LATEST) {
            throw new IOException(describe + " holds schema " + version + ", written by a newer mfa-monitor; this"
                    + " version writes schema " + LATEST + " and never downgrades. Nothing was stored");
        }
        if (installed.isEmpty()) {
            boolean exists;
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
                statement.setString(1, schema);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    exists = row.getLong(1) > 0;
                }
            }
            try (Statement statement = connection.createStatement()) {
                // Only when absent: a role without CREATE on the database can still use a schema made for it.
                if (!exists) {
                    statement.execute("CREATE SCHEMA " + schema);
                }
                statement.execute("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version (version integer PRIMARY KEY,"
                        + " description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            }
        }
        for (int next = version + 1; next <= LATEST; next++) {
            String file = FILES.get(next - 1);
            try (Statement statement = connection.createStatement()) {
                statement.execute(script(file).replace("{schema}", schema));
            }
            try (PreparedStatement record = connection.prepareStatement("INSERT INTO " + schema
                    + ".schema_version (version, description) VALUES (?, ?)")) {
                record.setInt(1, next);
                record.setString(2, file);
                record.executeUpdate();
            }
        }
    }

    private static String script(String file) throws IOException {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + file)) {
            if (in == null) {
                throw new IOException("migration " + file + " is missing from the mfa-storage-postgres jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
