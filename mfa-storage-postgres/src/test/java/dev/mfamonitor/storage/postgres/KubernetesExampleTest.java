package dev.mfamonitor.storage.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/deploy/kubernetes/cronjob-postgres.yaml: its state block is one this provider accepts, its password a mounted Secret. */
class KubernetesExampleTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "deploy", "kubernetes", "cronjob-postgres.yaml");

    @TempDir
    Path secrets;

    private static List<JsonNode> documents() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(EXAMPLE.toFile())) {
            yaml.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }

    @Test
    void theStateIsInPostgresWithThePasswordFromTheMountedSecretAndTheCaFromItsConfigMap() throws Exception {
        List<JsonNode> documents = documents();
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(documents.get(0).path("data").path("mfa-monitor.yaml").asText());
        JsonNode state = config.path("state");
        assertThat(state.path("type").asText()).isEqualTo("postgres");
        assertThat(state.path("password").asText()).isEqualTo("${file:/run/secrets/mfa-monitor/postgres-password}");
        assertThat(PostgresSettings.urlProblem(state.path("url").asText())).isNull();
        assertThat(state.path("url").asText()).contains("sslmode=verify-full").contains("sslrootcert=/etc/mfa-monitor-tls/ca.crt");

        JsonNode pod = documents.get(2).path("spec").path("jobTemplate").path("spec").path("template").path("spec");
        Map<String, String> mounts = new java.util.HashMap<>();
        pod.path("containers").get(0).path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        assertThat(mounts).containsEntry("secrets", "/run/secrets/mfa-monitor").containsEntry("postgres-ca", "/etc/mfa-monitor-tls");
        Map<String, JsonNode> volumes = new java.util.HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        assertThat(volumes.get("secrets").path("secret").path("secretName").asText()).isEqualTo("mfa-monitor-secrets");
        assertThat(volumes.get("postgres-ca").path("configMap").path("name").asText())
                .isEqualTo(documents.get(1).path("metadata").path("name").asText());
        assertThat(pod.path("containers").get(0).has("env")).as("no secret in the environment").isFalse();
        assertThat(documents.get(1).path("data").has("ca.crt")).isTrue();

        // The block as the runner reads it, the Secret's file in place: the provider accepts it.
        Files.writeString(secrets.resolve("postgres-password"), "s3cret\n");
        Map<String, Object> values = new ObjectMapper().convertValue(state, Map.class);
        values.remove("type");
        values.put("password", "${file:" + secrets.resolve("postgres-password") + "}");
        YamlPluginConfig block = new YamlPluginConfig("state", "state", "postgres", values, secrets, name -> null);
        try (StateStore store = new PostgresStateStoreProvider().create(block, TestContext.of("state"))) {
            assertThat(store.describe()).isEqualTo("PostgreSQL database 'mfa' on postgres.databases.svc.cluster.local:5432,"
                    + " schema mfa_monitor");
        }
    }
}
