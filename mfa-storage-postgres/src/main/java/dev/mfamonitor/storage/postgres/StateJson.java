package dev.mfamonitor.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The JSON documents held in the {@code json} columns, mapped field by field so that they do not change when an SPI
 * record gains an accessor. The columns are {@code json}, not {@code jsonb}: {@code json} keeps text exactly as
 * written, including the escape {@code \u0000} that {@code jsonb} (and PostgreSQL text) refuses, so a hostile
 * account name cannot make a commit fail.
 *
 * <p>An event carries its type's whole definition (name, words, severity, good news), so that an event of a type
 * this runner does not know (a newer plugin's) still loads and is delivered with the words it was raised with.
 */
final class StateJson {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JSON.getNodeFactory();

    private StateJson() {
    }

    static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree of strings and numbers", e);
        }
    }

    static JsonNode parse(String text) throws ShapeException {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ShapeException("a stored JSON document is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A string as a JSON document of its own, for columns that hold one untrusted string. */
    static String string(String value) {
        return text(NODES.textNode(value));
    }

    static String readString(String json) throws ShapeException {
        JsonNode node = parse(json);
        if (!node.isTextual()) {
            throw new ShapeException("a stored string is " + node.getNodeType());
        }
        return node.textValue();
    }

    // ---- accounts

    static ObjectNode account(Account account) {
        ObjectNode node = NODES.objectNode();
        node.put("id", account.id());
        node.put("name", account.name());
        node.put("kind", account.kind());
        node.put("mfa", account.mfa().name());
        node.put("scope", account.scope());
        node.set("facts", stringMap(account.facts(), Function.identity()));
        return node;
    }

    static Account readAccount(JsonNode json) throws ShapeException {
        Field node = new Field(json, "an account");
        return construct(node, () -> new Account(node.string("id"), node.string("name"), node.string("kind"),
                node.enumValue("mfa", MfaStatus.class), node.string("scope"), node.object("facts").stringMap()));
    }

    // ---- snapshots (without their accounts, which have rows of their own)

    static ObjectNode snapshotHead(Snapshot snapshot) {
        ObjectNode node = NODES.objectNode();
        node.put("service", snapshot.service());
        node.put("observedAt", snapshot.observedAt().toString());
        node.set("requirements", stringMap(snapshot.requirements(), MfaStatus::name));
        node.set("facts", stringMap(snapshot.facts(), Function.identity()));
        ArrayNode gaps = node.putArray("gaps");
        for (Gap gap : snapshot.gaps()) {
            gaps.addObject().put("scope", gap.scope()).put("reason", gap.reason());
        }
        ArrayNode notices = node.putArray("notices");
        for (Notice notice : snapshot.notices()) {
            ObjectNode n = notices.addObject();
            n.set("type", type(notice.type()));
            notice.accountId().ifPresent(id -> n.put("accountId", id));
            n.put("subject", notice.subject());
            n.put("detail", notice.detail());
        }
        return node;
    }

    static Snapshot readSnapshot(JsonNode json, List<Account> accounts) throws ShapeException {
        Field node = new Field(json, "a snapshot");
        Map<String, MfaStatus> requirements = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : node.object("requirements").entries()) {
            requirements.put(e.getKey(), e.getValue().asEnum(MfaStatus.class));
        }
        List<Gap> gaps = new ArrayList<>();
        for (Field gap : node.array("gaps")) {
            gaps.add(new Gap(gap.string("scope"), gap.string("reason")));
        }
        List<Notice> notices = new ArrayList<>();
        for (Field n : node.array("notices")) {
            EventType type = readType(n.object("type"));
            Optional<String> accountId = n.optionalString("accountId");
            notices.add(construct(n, () -> new Notice(type, accountId, n.string("subject"), n.string("detail"))));
        }
        return construct(node, () -> new Snapshot(node.string("service"), node.instant("observedAt"), accounts,
                requirements, node.object("facts").stringMap(), gaps, notices));
    }

    // ---- monitor health

    static ObjectNode health(int failureStreak, Optional<String> lastFailure, Map<String, Instant> alertedAt) {
        ObjectNode node = NODES.objectNode();
        node.put("failureStreak", failureStreak);
        lastFailure.ifPresent(f -> node.put("lastFailure", f));
        node.set("alertedAt", stringMap(alertedAt, Instant::toString));
        return node;
    }

    // ---- events

    /** The exact keys of a history run row: its monitor id and service (the text columns are plain copies). */
    static ObjectNode runKeys(String monitorId, String service) {
        ObjectNode node = NODES.objectNode();
        node.put("monitorId", monitorId);
        node.put("service", service);
        return node;
    }

    static ObjectNode type(EventType type) {
        ObjectNode node = NODES.objectNode();
        node.put("name", type.name());
        node.put("words", type.words());
        node.put("severity", type.defaultSeverity().name());
        node.put("goodNews", type.goodNews());
        return node;
    }

    static EventType readType(Field node) throws ShapeException {
        String name = node.string("name");
        String words = node.string("words");
        Severity severity = node.enumValue("severity", Severity.class);
        boolean goodNews = node.bool("goodNews");
        return construct(node, () -> EventType.restore(name, words, severity, goodNews));
    }

    static ObjectNode event(ChangeEvent event) {
        ObjectNode node = NODES.objectNode();
        node.put("id", event.id());
        node.set("type", type(event.type()));
        node.put("severity", event.severity().name());
        node.put("monitorId", event.monitorId());
        node.put("service", event.service());
        event.account().ifPresent(a -> node.set("account", account(a)));
        event.previous().ifPresent(s -> node.put("previous", s.name()));
        event.current().ifPresent(s -> node.put("current", s.name()));
        node.put("at", event.at().toString());
        node.put("detail", event.detail());
        event.notifierId().ifPresent(n -> node.put("notifierId", n));
        ArrayNode carried = node.putArray("carried");
        event.carried().forEach(c -> carried.add(event(c)));
        return node;
    }

    static ChangeEvent readEvent(JsonNode json) throws ShapeException {
        return readEvent(new Field(json, "an event"));
    }

    private static ChangeEvent readEvent(Field node) throws ShapeException {
        EventType type = readType(node.object("type"));
        Optional<Account> account = node.has("account") ? Optional.of(readAccount(node.object("account").node))
                : Optional.empty();
        Optional<MfaStatus> previous = node.has("previous")
                ? Optional.of(node.enumValue("previous", MfaStatus.class)) : Optional.empty();
        Optional<MfaStatus> current = node.has("current")
                ? Optional.of(node.enumValue("current", MfaStatus.class)) : Optional.empty();
        List<ChangeEvent> carried = new ArrayList<>();
        for (Field c : node.array("carried")) {
            carried.add(readEvent(c));
        }
        return construct(node, () -> new ChangeEvent(node.string("id"), type, node.enumValue("severity", Severity.class),
                node.string("monitorId"), node.string("service"), account, previous, current, node.instant("at"),
                node.string("detail"), node.optionalString("notifierId"), carried));
    }

    static Map<String, Instant> readAlertedAt(Field node) throws ShapeException {
        Map<String, Instant> alertedAt = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : node.object("alertedAt").entries()) {
            alertedAt.put(e.getKey(), e.getValue().asInstant());
        }
        return alertedAt;
    }

    private static <V> ObjectNode stringMap(Map<String, V> map, Function<V, String> text) {
        ObjectNode node = NODES.objectNode();
        new TreeMap<>(map).forEach((k, v) -> node.put(k, text.apply(v)));
        return node;
    }

    interface Construction<T> {
        T get() throws ShapeException;
    }

    /** Runs an SPI constructor; its own checks (a blank id, say) become a shape error naming where. */
    static <T> T construct(Field where, Construction<T> constructor) throws ShapeException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ShapeException(where.path + ": " + e.getMessage());
        }
    }

    /** What is wrong with a stored document; names the field. */
    static final class ShapeException extends Exception {
        private static final long serialVersionUID = 1L;

        ShapeException(String message) {
            super(message);
        }
    }

    /** A JSON node with the path that leads to it, for messages. */
    static final class Field {
        final JsonNode node;
        final String path;

        Field(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        boolean has(String name) {
            return node.has(name) && !node.get(name).isNull();
        }

        private JsonNode get(String name) throws ShapeException {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                throw new ShapeException(path + " has no '" + name + "'");
            }
            return value;
        }

        String string(String name) throws ShapeException {
            JsonNode value = get(name);
            if (!value.isTextual()) {
                throw new ShapeException(path + "." + name + " is " + value.getNodeType() + ", not a string");
            }
            return value.textValue();
        }

        Optional<String> optionalString(String name) throws ShapeException {
            return has(name) ? Optional.of(string(name)) : Optional.empty();
        }

        int integer(String name) throws ShapeException {
            JsonNode value = get(name);
            if (!value.isInt()) {
                throw new ShapeException(path + "." + name + " is not an integer");
            }
            return value.intValue();
        }

        boolean bool(String name) throws ShapeException {
            JsonNode value = get(name);
            if (!value.isBoolean()) {
                throw new ShapeException(path + "." + name + " is not true or false");
            }
            return value.booleanValue();
        }

        Instant instant(String name) throws ShapeException {
            return new Field(get(name), path + "." + name).asInstant();
        }

        <E extends Enum<E>> E enumValue(String name, Class<E> type) throws ShapeException {
            return new Field(get(name), path + "." + name).asEnum(type);
        }

        Field object(String name) throws ShapeException {
            JsonNode value = get(name);
            if (!value.isObject()) {
                throw new ShapeException(path + "." + name + " is not an object");
            }
            return new Field(value, path + "." + name);
        }

        List<Field> array(String name) throws ShapeException {
            JsonNode value = get(name);
            if (!value.isArray()) {
                throw new ShapeException(path + "." + name + " is not an array");
            }
            List<Field> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                items.add(new Field(value.get(i), path + "." + name + "[" + i + "]"));
            }
            return items;
        }

        List<Map.Entry<String, Field>> entries() {
            List<Map.Entry<String, Field>> entries = new ArrayList<>();
            node.fields().forEachRemaining(e -> entries.add(Map.entry(e.getKey(), new Field(e.getValue(), path + "." + e.getKey()))));
            return entries;
        }

        Map<String, String> stringMap() throws ShapeException {
            Map<String, String> map = new LinkedHashMap<>();
            for (Map.Entry<String, Field> e : entries()) {
                if (!e.getValue().node.isTextual()) {
                    throw new ShapeException(e.getValue().path + " is not a string");
                }
                map.put(e.getKey(), e.getValue().node.textValue());
            }
            return map;
        }

        Instant asInstant() throws ShapeException {
            if (!node.isTextual()) {
                throw new ShapeException(path + " is not a time");
            }
            try {
                return Instant.parse(node.textValue());
            } catch (java.time.format.DateTimeParseException e) {
                throw new ShapeException(path + " is '" + node.textValue() + "', not an ISO-8601 instant");
            }
        }

        <E extends Enum<E>> E asEnum(Class<E> type) throws ShapeException {
            if (!node.isTextual()) {
                throw new ShapeException(path + " is not a string");
            }
            try {
                return Enum.valueOf(type, node.textValue());
            } catch (IllegalArgumentException e) {
                throw new ShapeException(path + " is '" + node.textValue() + "', not a " + type.getSimpleName());
            }
        }
    }
}
