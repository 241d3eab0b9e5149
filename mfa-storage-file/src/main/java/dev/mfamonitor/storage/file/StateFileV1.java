package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.JsonCursor.ShapeException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads state files of schema 1 (the release before SPI 2: indented JSON, written as a tree) and migrates them to the
 * model of schema 2, so that an upgrade keeps every snapshot and every pending delivery. Such a file is read once;
 * the first commit after it writes schema 2. The format, for reference:
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
 * What migration changes:
 * <ul>
 *   <li>Outbox entries had no id (the engine matched them by event id and creation time): each gets
 *       {@link #entryId}, a hash of exactly those two, so that reading the same file twice gives the same ids.</li>
 *   <li>A {@code DELIVERY_ABANDONED} event named its notifier as {@code monitorId "notifier:<id>"}: it becomes
 *       monitor id {@code ""} with {@link ChangeEvent#notifierId()} {@code <id>}.</li>
 *   <li>Event types were stored by name only: a name this runner does not know (written by a newer release of
 *       schema 1) is kept, with its name as its words and the event's severity, rather than refused.</li>
 *   <li>An entry with {@code "deliveries": {}} was meant for no notifier: schema 1 counted it as settled and its next
 *       save dropped it, so migration drops it too. (Schema 2 refuses such an entry as structurally wrong.)</li>
 * </ul>
 * A structurally wrong file (negative attempts, a blank event id, a missing field) is refused as before.
 */
final class StateFileV1 {

    static final int SCHEMA_VERSION = 1;
    private static final String NOTIFIER_PREFIX = "notifier:";

    private StateFileV1() {
    }

    /**
     * The id a schema-1 outbox entry gets: SHA-256 over its event id and creation time, first 16 bytes in hex, with
     * {@code "-2"}, {@code "-3"}... for entries that repeat both (which schema 1 could not tell apart either).
     */
    static String entryId(String eventId, Instant createdAt) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha.digest(("v1-entry\u0000" + eventId + '\u0000' + createdAt).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Reads and migrates a parsed schema-1 file. */
    static StoredState read(ObjectNode root) throws ShapeException {
        Field top = new Field(root, "the top level");
        Map<String, MonitorState> monitors = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : top.object("monitors").entries()) {
            monitors.put(e.getKey(), readMonitor(e.getValue()));
        }
        List<OutboxEntry> outbox = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Field entry : top.array("outbox")) {
            readOutboxEntry(entry, ids).ifPresent(outbox::add);
        }
        return new StoredState(monitors, outbox);
    }

    private static MonitorState readMonitor(Field node) throws ShapeException {
        Optional<Snapshot> lastGood = node.has("lastGood")
                ? Optional.of(readSnapshot(node.object("lastGood"))) : Optional.empty();
        int failureStreak = node.integer("failureStreak");
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
            gaps.add(construct(gap, () -> new Gap(scope, reason)));
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

    private static Optional<OutboxEntry> readOutboxEntry(Field node, Set<String> ids) throws ShapeException {
        ChangeEvent event = readEvent(node.object("event"));
        Instant createdAt = node.instant("createdAt");
        Map<String, Delivery> deliveries = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : node.object("deliveries").entries()) {
            deliveries.put(e.getKey(), readDelivery(e.getValue()));
        }
        if (deliveries.isEmpty()) {
            return Optional.empty();
        }
        String base = entryId(event.id(), createdAt);
        String id = base;
        for (int n = 2; !ids.add(id); n++) {
            id = base + "-" + n;
        }
        String entryId = id;
        return Optional.of(construct(node, () -> new OutboxEntry(entryId, event, createdAt, deliveries)));
    }

    private static ChangeEvent readEvent(Field node) throws ShapeException {
        String id = node.string("id");
        String typeName = node.string("type");
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
        EventType type = construct(node, () -> EventType.restore(typeName, typeName, severity, false));
        Optional<String> notifierId = Optional.empty();
        String monitor = monitorId;
        if (type.equals(EventType.DELIVERY_ABANDONED) && monitorId.startsWith(NOTIFIER_PREFIX)) {
            notifierId = Optional.of(monitorId.substring(NOTIFIER_PREFIX.length()));
            monitor = "";
        }
        String m = monitor;
        Optional<String> n = notifierId;
        return construct(node, () -> new ChangeEvent(id, type, severity, m, service, account, previous, current, at,
                detail, n, List.of()));
    }

    private static Delivery readDelivery(Field node) throws ShapeException {
        Delivery.State state = node.enumValue("state", Delivery.State.class);
        int attempts = node.integer("attempts");
        Optional<Instant> lastAttemptAt = node.has("lastAttemptAt") ? Optional.of(node.instant("lastAttemptAt")) : Optional.empty();
        Optional<String> lastError = node.optionalString("lastError");
        return construct(node, () -> new Delivery(state, attempts, lastAttemptAt, lastError));
    }

    /** Runs a record's constructor, turning its own checks (duplicate account ids, blank ids) into shape errors. */
    private static <T> T construct(Field node, Supplier<T> constructor) throws ShapeException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ShapeException("'" + node.where + "' is not valid: " + e.getMessage());
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
}
