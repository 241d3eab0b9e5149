package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StateStoreProvider;

import java.time.Duration;
import java.util.Optional;

/**
 * State store type {@code postgres}:
 *
 * <pre>
 * state:
 *   type: postgres
 *   url: jdbc:postgresql://db.example.com:5432/mfa?sslmode=verify-full
 *   username: mfa_monitor
 *   password: ${env:MFA_PG_PASSWORD}
 *   schema: mfa_monitor          # default
 *   connectTimeout: 5s           # default
 *   statementTimeout: 10s        # default
 * </pre>
 *
 * A {@code url} carrying a password (or timeouts of its own) is refused: PgJDBC lets URL options override the separate
 * ones, so the password comes from {@code password} only, written {@code ${env:..}} or {@code ${file:..}}. Nothing is
 * connected to until the run takes the lock.
 */
public final class PostgresStateStoreProvider implements StateStoreProvider {

    @Override
    public String type() {
        return "postgres";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public StateStore create(PluginConfig config, PluginContext context) {
        String url = config.string("url").trim();
        String problem = PostgresSettings.urlProblem(url);
        if (problem != null) {
            throw config.error("url", problem);
        }
        Optional<String> username = config.optionalString("username").map(String::trim).filter(u -> !u.isEmpty());
        Optional<Secret> password = config.optionalSecret("password");
        String schema = config.string("schema", PostgresSettings.DEFAULT_SCHEMA);
        if (!PostgresSettings.validSchema(schema)) {
            throw config.error("schema", "'" + schema + "' is not a plain lower-case identifier (letters a-z, digits,"
                    + " '_', at most 63 characters, not starting with a digit), such as mfa_monitor");
        }
        Duration connectTimeout = bounded(config, "connectTimeout", Duration.ofSeconds(5), Duration.ofSeconds(60));
        Duration statementTimeout = bounded(config, "statementTimeout", Duration.ofSeconds(10), Duration.ofMinutes(10));
        return new PostgresStateStore(new PostgresSettings(url, username, password, schema, connectTimeout, statementTimeout));
    }

    private static Duration bounded(PluginConfig config, String key, Duration defaultValue, Duration max) {
        Duration value = config.duration(key, defaultValue);
        if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(max) > 0) {
            throw config.error(key, "is " + value + "; give a duration from 1s to " + max.toSeconds() + "s, such as "
                    + defaultValue.toSeconds() + "s");
        }
        return value;
    }
}
