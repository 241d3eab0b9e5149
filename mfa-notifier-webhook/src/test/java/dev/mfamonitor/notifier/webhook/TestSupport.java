package dev.mfamonitor.notifier.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Shared pieces of the webhook tests. */
final class TestSupport {
    /** 31 bytes of plain text: a valid signing secret. */
    static final String SECRET = "correct-horse-battery-staple-42";
    /** A backoff short enough that retry tests run in milliseconds. */
    static final Backoff FAST = new Backoff(Duration.ofMillis(2), Duration.ofMillis(10));
    static final String SCHEMA_RESOURCE = "/dev/mfamonitor/notifier/webhook/mfa-webhook-v1.schema.json";
    static final ObjectMapper JSON = new ObjectMapper();

    private TestSupport() {
    }

    static PluginConfig config(Map<String, ?> values) {
        return config(values, Map.of());
    }

    static PluginConfig config(Map<String, ?> values, Map<String, String> environment) {
        return new PluginConfig("notifier", "siem", "webhook", values, Path.of("").toAbsolutePath(), environment::get);
    }

    static Notifier create(Map<String, ?> values) {
        return new WebhookNotifierProvider().create(config(values), FAST, Clock.systemUTC());
    }

    static Notifier create(Map<String, ?> values, Backoff backoff, Clock clock) {
        return new WebhookNotifierProvider().create(config(values), backoff, clock);
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

    /** A clock that moves one second forward each time it is read, so that every attempt has its own timestamp. */
    static final class SteppingClock extends Clock {
        private final Instant start;
        private final AtomicLong reads = new AtomicLong();

        SteppingClock(Instant start) {
            this.start = start;
        }

        @Override
        public Instant instant() {
            return start.plusSeconds(reads.getAndIncrement());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
