package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration of {@code type: postgres}, and the password: from {@code password} only, never in a message. */
class PostgresStateStoreProviderTest {
    private static final String CANARY = "canary-" + UUID.randomUUID();

    private final TestPostgres server = TestPostgres.shared();

    private StateStore create(Map<String, Object> values) {
        YamlPluginConfig config = new YamlPluginConfig("state", "shared", "postgres", values, Path.of("."),
                name -> name.equals("MFA_PG_PASSWORD") ? CANARY : null);
        return new PostgresStateStoreProvider().create(config, TestContext.of("shared").withSecretValues(CANARY));
    }

    private static Map<String, Object> values(Object... pairs) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put((String) pairs[i], pairs[i + 1]);
        }
        return values;
    }

    @Test
    void theProviderIsFoundAsTypePostgres() {
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());
        assertThat(registry.providers()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo(PluginRegistry.Kind.STATE);
            assertThat(p.type()).isEqualTo("postgres");
        });
    }

    @Test
    void aUrlCarryingAPasswordIsRefusedWithoutRepeatingIt() {
        for (String url : new String[] {"jdbc:postgresql://db:5432/mfa?user=mfa&password=" + CANARY,
                "jdbc:postgresql://db:5432/mfa?sslmode=require&PASSWORD=" + CANARY,
                "jdbc:postgresql://db:5432/mfa?sslpassword=" + CANARY,
                "jdbc:postgresql://mfa:" + CANARY + "@db:5432/mfa"}) {
            assertThatThrownBy(() -> create(values("url", url, "password", "${env:MFA_PG_PASSWORD}")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("state 'shared' (type postgres): property 'url'")
                    .hasMessageContaining("give the password as 'password'")
                    .hasMessageNotContaining(CANARY);
        }
    }

    @Test
    void timeoutsInTheUrlAreRefusedSoThatTheBoundsHold() {
        assertThatThrownBy(() -> create(values("url", "jdbc:postgresql://db/mfa?socketTimeout=0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'socketTimeout'")
                .hasMessageContaining("'statementTimeout'");
        assertThatThrownBy(() -> create(values("url", "jdbc:postgresql://db/mfa", "connectTimeout", "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("property 'connectTimeout'");
    }

    @Test
    void aPasswordWrittenLiterallyIsRefusedAsEverySecretIs() {
        assertThatThrownBy(() -> create(values("url", "jdbc:postgresql://db/mfa", "password", CANARY)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("property 'password'")
                .hasMessageNotContaining(CANARY);
    }

    @Test
    void aSchemaThatIsNotAPlainIdentifierIsRefused() {
        assertThatThrownBy(() -> create(values("url", "jdbc:postgresql://db/mfa", "schema", "mfa; DROP TABLE x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("property 'schema'");
    }

    @Test
    void aRoleLogsInWithThePasswordFromItsSecretAndNoMessageEverShowsIt() throws Exception {
        String role = TestPostgres.freshSchema("canary");
        server.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + CANARY + "'");
        server.execute("GRANT CREATE ON DATABASE postgres TO " + role);
        StateStore store = create(values("url", server.url() + "?sslmode=disable", "username", role,
                "password", "${env:MFA_PG_PASSWORD}", "schema", role));
        try (StateStore.Lock lock = store.lock()) {
            StoredState state = dev.mfamonitor.testkit.StateStoreContract.richState();
            store.commit(new dev.mfamonitor.spi.state.RunCommit(state.monitors(), state.outbox(), java.util.List.of(),
                    java.util.Set.of()));
            assertThat(store.load()).isEqualTo(state);
        } finally {
            store.close();
        }
        assertThat(store.describe()).isEqualTo("PostgreSQL database 'postgres' on 127.0.0.1:"
                + server.url().replaceAll(".*:(\\d+)/.*", "$1") + ", schema " + role).doesNotContain(CANARY);

        server.execute("ALTER ROLE " + role + " PASSWORD 'something-else'");
        StateStore refused = create(values("url", server.url(), "username", role, "password", "${env:MFA_PG_PASSWORD}",
                "schema", role));
        assertThatThrownBy(refused::lock).isInstanceOf(IOException.class)
                .hasMessageContaining("password authentication failed").hasMessageNotContaining(CANARY);
        assertThatThrownBy(refused::load).isInstanceOf(IOException.class).hasMessageNotContaining(CANARY);
        refused.close();

        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        StateStore down = create(values("url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/mfa", "username", role,
                "password", "${env:MFA_PG_PASSWORD}"));
        assertThatThrownBy(down::lock).isInstanceOf(IOException.class)
                .hasMessageContaining("PostgreSQL database 'mfa' on 127.0.0.1:" + closedPort)
                .hasMessageNotContaining(CANARY);
        down.close();
    }
}
