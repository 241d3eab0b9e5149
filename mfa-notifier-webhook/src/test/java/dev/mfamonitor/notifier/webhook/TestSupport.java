package dev.mfamonitor.notifier.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.TestContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared pieces of the webhook tests. */
final class TestSupport {
    /** The key bytes of the tests' signing secret, as text: 31 bytes. */
    static final String KEY_TEXT = "correct-horse-battery-staple-42";
    /** The signing secret as the notifier takes it: whsec_ and the base64 of the key bytes. */
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY_TEXT.getBytes(StandardCharsets.UTF_8));
    static final String SCHEMA_RESOURCE = "/dev/mfamonitor/notifier/webhook/mfa-webhook-v1.schema.json";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The wall time the tests' contexts start at: 2026-03-02T09:00:07Z. */
    static final Instant NOW = Instant.parse("2026-03-02T09:00:07Z");

    private TestSupport() {
    }

    /**
     * A notifier block as YAML gives it. Every string value is passed as {@code ${env:...}} for keys read as secrets
     * ({@code url}, {@code secret}, header values), as a real configuration must.
     */
    static YamlPluginConfig config(Map<String, ?> values) {
        Map<String, Object> block = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if ((key.equals("url") || key.equals("secret")) && value instanceof String text) {
                env.put("V_" + key, text);
                block.put(key, "${env:V_" + key + "}");
            } else if (key.equals("headers") && value instanceof Map<?, ?> headers) {
                Map<String, Object> refs = new LinkedHashMap<>();
                headers.forEach((name, headerValue) -> {
                    String var = "H_" + env.size();
                    env.put(var, String.valueOf(headerValue));
                    refs.put(String.valueOf(name), "${env:" + var + "}");
                });
                block.put(key, refs);
            } else {
                block.put(key, value);
            }
        });
        return new YamlPluginConfig("notifier", "siem", "webhook", block, Path.of("").toAbsolutePath(), env::get);
    }

    /** A context as the engine gives it: its redactor knows every secret of {@code values}. */
    static TestContext context(Map<String, ?> values) {
        TestContext context = TestContext.at("siem", NOW);
        values.forEach((key, value) -> {
            if (key.equals("url") || key.equals("secret")) {
                context.withSecretValues(String.valueOf(value));
            } else if (key.equals("headers") && value instanceof Map<?, ?> headers) {
                headers.values().forEach(v -> context.withSecretValues(String.valueOf(v)));
            }
        });
        return context;
    }

    static Notifier create(Map<String, ?> values) {
        return create(values, context(values));
    }

    /** Creates through the provider and checks, as the runner does, that every key was read. */
    static Notifier create(Map<String, ?> values, TestContext context) {
        YamlPluginConfig config = config(values);
        Notifier notifier = new WebhookNotifierProvider().create(config, context);
        config.requireAllUsed();
        return notifier;
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema file the module ships, loaded as a receiver would load it. */
    static Schema schema() {
        try (InputStream in = TestSupport.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the schema is not on the class path at " + SCHEMA_RESOURCE);
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints about a body, as text; empty when it is valid. */
    static List<String> violations(Schema schema, String body) {
        return schema.validate(body, InputFormat.JSON).stream().map(Error::toString).toList();
    }
}
