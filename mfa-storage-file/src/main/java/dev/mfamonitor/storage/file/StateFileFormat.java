package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Delivery;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.MonitorState;
import dev.mfamonitor.spi.OutboxEntry;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StoredState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The on-disk format of the file store, schema 1, mapped field by field so that it does not change when a record of
 * the SPI gains an accessor or renames one.
 *
 * <pre>{@code
 * { "schemaVersion": 1,
 *   "monitors": { "<monitor id>": { "lastGood": <snapshot>?, "failureStreak": 0, "lastFailure": "..."?,
 *                                   "alertedAt": { "<account id>": "<instant>" } } },
 *   "outbox": [ { "event": <event>, "createdAt": "<instant>",
 *                 "deliveries": { "<notifier id>": { "state": "PENDING", "attempts": 0,
 *                                                    "lastAttemptAt": "<instant>"?, "lastError": "..."? } } } ] }
 * }</pre>
 *
 * Instants are ISO-8601 strings; enums are their constant names; an absent optional value is an omitted field.
 * Unknown fields are ignored; a missing or mistyped field is an error.
 */
final class StateFileFormat {

    /** The schema this version writes and the newest it reads. */
    static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final JsonNodeFactory NODES = JSON.getNodeFactory();

    private StateFileFormat() {
    }

    /** The state as pretty-printed UTF-8 JSON, ending with a newline. */
    static byte[] write(StoredState state) {
        ObjectNode root = NODES.objectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        ObjectNode monitors = root.putObject("monitors");
        state.monitors().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> monitors.set(e.getKey(), monitor(e.getValue())));
        ArrayNode outbox = root.putArray("outbox");
        state.outbox().forEach(entry -> outbox.add(outboxEntry(entry)));
        try {
            String text = JSON.writeValueAsString(root) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON tree of strings and numbers", e);
        }
    }

    /** Parses JSON text; Jackson's exception carries the line and column of the first error. */
    static JsonNode parse(byte[] bytes) throws IOException {
        return JSON.readTree(bytes);
    }

    /**
     * The schema version a parsed file declares.
     *
     * @throws ShapeException when the root is not an object or has no integer {@code schemaVersion}
     */
    static int schemaVersion(JsonNode root) throws ShapeException {
        Field field = new Field(root, "the top level");
        if (!root.isObject()) {
            throw new ShapeException("the top level is " + kindOf(root) + ", not an object");
        }
        return field.integer("schemaVersion");
    }

    /**
     * Reads a file of schema {@value #SCHEMA_VERSION}.
     *
     * @throws ShapeException naming the first field that is missing or of the wrong type
     */
    static StoredState read(JsonNode root) throws ShapeException {
        Field top = new Field(root, "the top level");
        Map<String, MonitorState> monitors = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : top.object("monitors").entries()) {
            monitors.put(e.getKey(), readMonitor(e.getValue()));
        }
        List<OutboxEntry> outbox = new ArrayList<>();
        for (Field entry : top.array("outbox")) {
            outbox.add(readOutboxEntry(entry));
        }
        return new StoredState(monitors, outbox);
    }

    // ---- writing

    private static ObjectNode monitor(MonitorState state) {
        ObjectNode node = NODES.objectNode();
        state.lastGood().ifPresent(s -> node.set("lastGood", snapshot(s)));
        node.put("failureStreak", state.failureStreak());
        state.lastFailure().ifPresent(f -> node.put("lastFailure", f));
        node.set("alertedAt", sortedMap(state.alertedAt(), Instant::toString));
        return node;
    }

    private static ObjectNode snapshot(Snapshot snapshot) {
        ObjectNode node = NODES.objectNode();
        node.put("service", snapshot.service());
        node.put("observedAt", snapshot.observedAt().toString());
        ArrayNode accounts = node.putArray("accounts");
        snapshot.accounts().forEach(a -> accounts.add(account(a)));
        node.set("requirements", sortedMap(snapshot.requirements(), MfaStatus::name));
        node.set("facts", sortedMap(snapshot.facts(), Function.identity()));
        ArrayNode gaps = node.putArray("gaps");
        for (Gap gap : snapshot.gaps()) {
            gaps.addObject().put("scope", gap.scope()).put("reason", gap.reason());
        }
        return node;
    }

    private static ObjectNode account(Account account) {
        ObjectNode node = NODES.objectNode();
        node.put("id", account.id());
        node.put("name", account.name());
        node.put("kind", account.kind());
        node.put("mfa", account.mfa().name());
        node.put("scope", account.scope());
        node.set("facts", sortedMap(account.facts(), Function.identity()));
        return node;
    }

    private static ObjectNode outboxEntry(OutboxEntry entry) {
        ObjectNode node = NODES.objectNode();
        node.set("event", event(entry.event()));
        node.put("createdAt", entry.createdAt().toString());
        ObjectNode deliveries = node.putObject("deliveries");
        entry.deliveries().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> deliveries.set(e.getKey(), delivery(e.getValue())));
        return node;
    }

    private static ObjectNode event(ChangeEvent event) {
        ObjectNode node = NODES.objectNode();
        node.put("id", event.id());
        node.put("type", event.type().name());
        node.put("severity", event.severity().name());
        node.put("monitorId", event.monitorId());
        node.put("service", event.service());
        event.account().ifPresent(a -> node.set("account", account(a)));
        event.previous().ifPresent(s -> node.put("previous", s.name()));
        event.current().ifPresent(s -> node.put("current", s.name()));
        node.put("at", event.at().toString());
        node.put("detail", event.detail());
        return node;
    }

    private static ObjectNode delivery(Delivery delivery) {
        ObjectNode node = NODES.objectNode();
        node.put("state", delivery.state().name());
        node.put("attempts", delivery.attempts());
        delivery.lastAttemptAt().ifPresent(t -> node.put("lastAttemptAt", t.toString()));
        delivery.lastError().ifPresent(e -> node.put("lastError", e));
        return node;
    }

    private static <V> ObjectNode sortedMap(Map<String, V> map, Function<V, String> text) {
        ObjectNode node = NODES.objectNode();
        new TreeMap<>(map).forEach((k, v) -> node.put(k, text.apply(v)));
        return node;
    }

    // ---- reading

    private static MonitorState readMonitor(Field node) throws ShapeException {
        Optional<Snapshot> lastGood = node.has("lastGood")
                ? Optional.of(readSnapshot(node.object("lastGood"))) : Optional.empty();
        int failureStreak = node.integer("failureStreak");
        if (failureStreak < 0) {
            throw node.wrong("failureStreak", "is " + failureStreak + ", which is negative");
        }
        Optional<String> lastFailure = node.optionalString("lastFailure");
        Map<String, Instant> alertedAt = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : node.object("alertedAt").entries()) {
            alertedAt.put(e.getKey(), e.getValue().asInstant());
        }
        return construct(node, () -> new MonitorState(lastGood, failureStreak, lastFailure, alertedAt));
    }

    private static Snapshot readSnapshot(Field node) throws ShapeException {
        String service = node.string("service");
        Instant observedAt = node.instant("observedAt");
        List<Account> accounts = new ArrayList<>();
        for (Field account : node.array("accounts")) {
            accounts.add(readAccount(account));
        }
        Map<String, MfaStatus> requirements = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : node.object("requirements").entries()) {
            requirements.put(e.getKey(), e.getValue().asEnum(MfaStatus.class));
        }
        Map<String, String> facts = node.object("facts").stringMap();
        List<Gap> gaps = new ArrayList<>();
        for (Field gap : node.array("gaps")) {
            String scope = gap.string("scope");
            String reason = gap.string("reason");
            gaps.add(new Gap(scope, reason));
        }
        return construct(node, () -> new Snapshot(service, observedAt, accounts, requirements, facts, gaps));
    }

    private static Account readAccount(Field node) throws ShapeException {
        String id = node.string("id");
        String name = node.string("name");
        String kind = node.string("kind");
        MfaStatus mfa = node.enumValue("mfa", MfaStatus.class);
        String scope = node.string("scope");
        Map<String, String> facts = node.object("facts").stringMap();
        return construct(node, () -> new Account(id, name, kind, mfa, scope, facts));
    }

    private static OutboxEntry readOutboxEntry(Field node) throws ShapeException {
        ChangeEvent event = readEvent(node.object("event"));
        Instant createdAt = node.instant("createdAt");
        Map<String, Delivery> deliveries = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : node.object("deliveries").entries()) {
            deliveries.put(e.getKey(), readDelivery(e.getValue()));
        }
        return construct(node, () -> new OutboxEntry(event, createdAt, deliveries));
    }

    private static ChangeEvent readEvent(Field node) throws ShapeException {
        String id = node.string("id");
        EventType type = node.enumValue("type", EventType.class);
        Severity severity = node.enumValue("severity", Severity.class);
        String monitorId = node.string("monitorId");
        String service = node.string("service");
        Optional<Account> account = node.has("account") ? Optional.of(readAccount(node.object("account"))) : Optional.empty();
        Optional<MfaStatus> previous = node.has("previous")
                ? Optional.of(node.enumValue("previous", MfaStatus.class)) : Optional.empty();
        Optional<MfaStatus> current = node.has("current")
                ? Optional.of(node.enumValue("current", MfaStatus.class)) : Optional.empty();
        Instant at = node.instant("at");
        String detail = node.string("detail");
        return construct(node, () -> new ChangeEvent(id, type, severity, monitorId, service, account, previous, current, at, detail));
    }

    private static Delivery readDelivery(Field node) throws ShapeException {
        Delivery.State state = node.enumValue("state", Delivery.State.class);
        int attempts = node.integer("attempts");
        Optional<Instant> lastAttemptAt = node.has("lastAttemptAt") ? Optional.of(node.instant("lastAttemptAt")) : Optional.empty();
        Optional<String> lastError = node.optionalString("lastError");
        return construct(node, () -> new Delivery(state, attempts, lastAttemptAt, lastError));
    }

    /** Runs a record's constructor, turning its own checks (duplicate account ids, blank ids) into shape errors. */
    private static <T> T construct(Field node, java.util.function.Supplier<T> constructor) throws ShapeException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ShapeException(node.where + " is not valid: " + e.getMessage());
        }
    }

    private static String kindOf(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A JSON node with the path that led to it, for messages such as "monitors.github-acme.failureStreak". */
    private static final class Field {
        final JsonNode node;
        final String where;

        Field(JsonNode node, String where) {
            this.node = node;
            this.where = where;
        }

        private String child(String key) {
            return where.equals("the top level") ? key : where + "." + key;
        }

        boolean has(String key) {
            return node.has(key);
        }

        ShapeException wrong(String key, String problem) {
            return new ShapeException("'" + child(key) + "' " + problem);
        }

        private JsonNode required(String key) throws ShapeException {
            JsonNode value = node.get(key);
            if (value == null) {
                throw wrong(key, "is missing");
            }
            return value;
        }

        private JsonNode typed(String key, boolean ok, String expected) throws ShapeException {
            JsonNode value = required(key);
            if (!ok) {
                throw wrong(key, "is " + kindOf(value) + ", expected " + expected);
            }
            return value;
        }

        String string(String key) throws ShapeException {
            JsonNode value = required(key);
            return typed(key, value.isTextual(), "a string").textValue();
        }

        Optional<String> optionalString(String key) throws ShapeException {
            return has(key) ? Optional.of(string(key)) : Optional.empty();
        }

        int integer(String key) throws ShapeException {
            JsonNode value = required(key);
            return typed(key, value.isIntegralNumber() && value.canConvertToInt(), "a whole number").intValue();
        }

        Instant instant(String key) throws ShapeException {
            return new Field(typed(key, required(key).isTextual(), "a time"), child(key)).asInstant();
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type) throws ShapeException {
            return new Field(required(key), child(key)).asEnum(type);
        }

        Field object(String key) throws ShapeException {
            JsonNode value = required(key);
            return new Field(typed(key, value.isObject(), "an object"), child(key));
        }

        List<Field> array(String key) throws ShapeException {
            JsonNode value = required(key);
            typed(key, value.isArray(), "an array");
            List<Field> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                items.add(new Field(value.get(i), child(key) + "[" + i + "]"));
            }
            return items;
        }

        List<Map.Entry<String, Field>> entries() {
            List<Map.Entry<String, Field>> entries = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                entries.add(Map.entry(e.getKey(), new Field(e.getValue(), where + "." + e.getKey())));
            }
            return entries;
        }

        Map<String, String> stringMap() throws ShapeException {
            Map<String, String> map = new LinkedHashMap<>();
            for (Map.Entry<String, Field> e : entries()) {
                map.put(e.getKey(), e.getValue().asString());
            }
            return map;
        }

        String asString() throws ShapeException {
            if (!node.isTextual()) {
                throw new ShapeException("'" + where + "' is " + kindOf(node) + ", expected a string");
            }
            return node.textValue();
        }

        Instant asInstant() throws ShapeException {
            String text = asString();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new ShapeException("'" + where + "' is '" + text + "', expected an ISO-8601 time such as 2024-05-01T12:00:00Z");
            }
        }

        <E extends Enum<E>> E asEnum(Class<E> type) throws ShapeException {
            String text = asString();
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(text)) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name());
            }
            throw new ShapeException("'" + where + "' is '" + text + "', expected one of " + String.join(", ", names));
        }
    }

    /** The file is JSON but not a state file of this schema. The message names the first bad field. */
    static final class ShapeException extends Exception {
        private static final long serialVersionUID = 1L;

        ShapeException(String message) {
            super(message);
        }
    }
}
