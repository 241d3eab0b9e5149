package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.JsonCursor.ShapeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The on-disk format of the file store, schema 2: compact JSON (no indentation), written and read with Jackson's
 * streaming API so that neither side ever holds the file as a tree. Mapped field by field, so that it does not change
 * when a record of the SPI gains or renames an accessor.
 *
 * <pre>{@code
 * {"schemaVersion":2,"generation":"<32 hex digits, new on every commit>",
 *  "monitors":{"<monitor id>":{"lastGood":<snapshot>?,"failureStreak":0,"lastFailure":"..."?,
 *                              "alertedAt":{"<account id>":"<instant>"}}},
 *  "outbox":[{"id":"<entry id>","createdAt":"<instant>","event":<event>,
 *             "deliveries":{"<notifier id>":{"state":"PENDING","attempts":0,"lastAttemptAt":"<instant>"?,
 *                                            "lastError":"..."?}}}],
 *  "history":{"id":"<hex>","keepFrom":"<instant>"?,"chunks":[[<newest epoch ms>,<length>,<crc32c>]]}?}
 *
 * snapshot: {"service":"github","observedAt":"<instant>","accounts":[<account>],"requirements":{"<name>":"ENABLED"},
 *            "facts":{},"gaps":[{"scope":"*","reason":"..."}],"notices":[<notice>]?}
 * account:  {"id":"1001","name":"alice","kind":"member","mfa":"DISABLED","scope":"..."?,"facts":{...}?}
 * event:    {"id":"...","type":<type>,"severity":"HIGH","monitorId":"github-acme","service":"github",
 *            "notifierId":"..."?,"account":<account>?,"previous":"ENABLED"?,"current":"DISABLED"?,"at":"<instant>",
 *            "detail":"...","carried":[<event>]?}
 * notice:   {"type":<type>,"accountId":"..."?,"subject":"...","detail":"..."}
 * type:     {"name":"gitlab.TOKEN_WITHOUT_EXPIRY","words":"Token without expiry","severity":"MEDIUM","goodNews":false}
 * }</pre>
 *
 * {@code history} names the history file beside the state ({@link HistoryFile}) and what of it is committed; a state
 * written before the history existed has none, and loads with an empty history.
 *
 * <p>Every event type is stored with its whole definition, so that a type this runner does not know (a newer plugin's,
 * read after a rollback) is restored with the words and severity it was raised with ({@link EventType#restore}).
 * Instants are ISO-8601 strings; enums are their constant names; {@code ?} marks a field left out when absent (an
 * account's {@code scope} when empty, its {@code facts}, a snapshot's {@code notices} and an event's {@code carried}
 * when empty). {@code schemaVersion} is the first field. Unknown fields are skipped (a later writer of the same schema
 * may add some); a missing or mistyped field, a blank id, negative attempts or an entry meant for no notifier is an
 * error naming the field.
 */
final class StateFileFormat {

    /** The schema this version writes and the newest it reads. */
    static final int SCHEMA_VERSION = 2;

    /** Deep enough for an abandonment notice carrying events; a file nesting deeper is not a state file. */
    private static final int MAX_NESTING = 48;

    static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .build();

    private StateFileFormat() {
    }

    // ---- writing

    /** Writes the state, compact, followed by one newline. Does not close {@code out}. */
    static void write(StoredState state, String generation, OutputStream out) throws IOException {
        write(state, generation, Optional.empty(), out);
    }

    /** Writes the state and the reference to its history file, compact, followed by one newline. */
    static void write(StoredState state, String generation, Optional<HistoryFile.Ref> history, OutputStream out)
            throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("schemaVersion", SCHEMA_VERSION);
            json.writeStringField("generation", generation);
            json.writeObjectFieldStart("monitors");
            for (Map.Entry<String, MonitorState> e : new TreeMap<>(state.monitors()).entrySet()) {
                json.writeFieldName(e.getKey());
                writeMonitor(json, e.getValue());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("outbox");
            for (OutboxEntry entry : state.outbox()) {
                writeEntry(json, entry);
            }
            json.writeEndArray();
            if (history.isPresent()) {
                HistoryFile.writeRef(json, history.get());
            }
            json.writeEndObject();
            json.writeRaw('\n');
        }
    }

    private static void writeMonitor(JsonGenerator json, MonitorState state) throws IOException {
        json.writeStartObject();
        if (state.lastGood().isPresent()) {
            json.writeFieldName("lastGood");
            writeSnapshot(json, state.lastGood().get());
        }
        json.writeNumberField("failureStreak", state.failureStreak());
        if (state.lastFailure().isPresent()) {
            json.writeStringField("lastFailure", state.lastFailure().get());
        }
        json.writeObjectFieldStart("alertedAt");
        for (Map.Entry<String, Instant> e : new TreeMap<>(state.alertedAt()).entrySet()) {
            json.writeStringField(e.getKey(), e.getValue().toString());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeSnapshot(JsonGenerator json, Snapshot snapshot) throws IOException {
        json.writeStartObject();
        json.writeStringField("service", snapshot.service());
        json.writeStringField("observedAt", snapshot.observedAt().toString());
        json.writeArrayFieldStart("accounts");
        for (Account account : snapshot.accounts()) {
            writeAccount(json, account);
        }
        json.writeEndArray();
        json.writeObjectFieldStart("requirements");
        for (Map.Entry<String, MfaStatus> e : new TreeMap<>(snapshot.requirements()).entrySet()) {
            json.writeStringField(e.getKey(), e.getValue().name());
        }
        json.writeEndObject();
        json.writeFieldName("facts");
        writeStrings(json, snapshot.facts());
        json.writeArrayFieldStart("gaps");
        for (Gap gap : snapshot.gaps()) {
            json.writeStartObject();
            json.writeStringField("scope", gap.scope());
            json.writeStringField("reason", gap.reason());
            json.writeEndObject();
        }
        json.writeEndArray();
        if (!snapshot.notices().isEmpty()) {
            json.writeArrayFieldStart("notices");
            for (Notice notice : snapshot.notices()) {
                json.writeStartObject();
                json.writeFieldName("type");
                writeType(json, notice.type());
                if (notice.accountId().isPresent()) {
                    json.writeStringField("accountId", notice.accountId().get());
                }
                json.writeStringField("subject", notice.subject());
                json.writeStringField("detail", notice.detail());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void writeAccount(JsonGenerator json, Account account) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", account.id());
        json.writeStringField("name", account.name());
        json.writeStringField("kind", account.kind());
        json.writeStringField("mfa", account.mfa().name());
        if (!account.scope().isEmpty()) {
            json.writeStringField("scope", account.scope());
        }
        if (!account.facts().isEmpty()) {
            json.writeFieldName("facts");
            writeStrings(json, account.facts());
        }
        json.writeEndObject();
    }

    private static void writeEntry(JsonGenerator json, OutboxEntry entry) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", entry.id());
        json.writeStringField("createdAt", entry.createdAt().toString());
        json.writeFieldName("event");
        writeEvent(json, entry.event());
        json.writeObjectFieldStart("deliveries");
        for (Map.Entry<String, Delivery> e : new TreeMap<>(entry.deliveries()).entrySet()) {
            json.writeFieldName(e.getKey());
            writeDelivery(json, e.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    static void writeEvent(JsonGenerator json, ChangeEvent event) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", event.id());
        json.writeFieldName("type");
        writeType(json, event.type());
        json.writeStringField("severity", event.severity().name());
        json.writeStringField("monitorId", event.monitorId());
        json.writeStringField("service", event.service());
        if (event.notifierId().isPresent()) {
            json.writeStringField("notifierId", event.notifierId().get());
        }
        if (event.account().isPresent()) {
            json.writeFieldName("account");
            writeAccount(json, event.account().get());
        }
        if (event.previous().isPresent()) {
            json.writeStringField("previous", event.previous().get().name());
        }
        if (event.current().isPresent()) {
            json.writeStringField("current", event.current().get().name());
        }
        json.writeStringField("at", event.at().toString());
        json.writeStringField("detail", event.detail());
        if (!event.carried().isEmpty()) {
            json.writeArrayFieldStart("carried");
            for (ChangeEvent carried : event.carried()) {
                writeEvent(json, carried);
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void writeType(JsonGenerator json, EventType type) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", type.name());
        json.writeStringField("words", type.words());
        json.writeStringField("severity", type.defaultSeverity().name());
        json.writeBooleanField("goodNews", type.goodNews());
        json.writeEndObject();
    }

    /** A delivery as one JSON object; also the journal's form of a mark. */
    static void writeDelivery(JsonGenerator json, Delivery delivery) throws IOException {
        json.writeStartObject();
        writeDeliveryFields(json, delivery);
        json.writeEndObject();
    }

    static void writeDeliveryFields(JsonGenerator json, Delivery delivery) throws IOException {
        json.writeStringField("state", delivery.state().name());
        json.writeNumberField("attempts", delivery.attempts());
        if (delivery.lastAttemptAt().isPresent()) {
            json.writeStringField("lastAttemptAt", delivery.lastAttemptAt().get().toString());
        }
        if (delivery.lastError().isPresent()) {
            json.writeStringField("lastError", delivery.lastError().get());
        }
    }

    private static void writeStrings(JsonGenerator json, Map<String, String> map) throws IOException {
        json.writeStartObject();
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            json.writeStringField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
    }

    // ---- reading

    /** A parser for a state file or a journal line, with this format's limits. */
    static JsonParser parser(InputStream in) throws IOException {
        return JSON.createParser(in);
    }

    /** A schema-2 state, the generation it declares and the reference to its history, if it has one. */
    record Read(StoredState state, String generation, Optional<HistoryFile.Ref> history) {
    }

    /**
     * Reads the rest of a schema-2 top-level object. The cursor is inside it (the {@code schemaVersion} field may
     * already have been read; if met again it is skipped). Leaves the cursor after the object's end.
     */
    static Read readBody(JsonCursor in) throws IOException, ShapeException {
        String generation = null;
        Map<String, MonitorState> monitors = null;
        List<OutboxEntry> outbox = null;
        HistoryFile.Ref history = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "generation" -> generation = in.string();
                case "monitors" -> monitors = readMonitors(in);
                case "outbox" -> outbox = readOutbox(in);
                case "history" -> history = HistoryFile.readRef(in);
                default -> in.skip();
            }
        }
        in.required(generation, "generation");
        if (generation.isBlank()) {
            throw new ShapeException("'generation' is blank");
        }
        in.required(monitors, "monitors");
        in.required(outbox, "outbox");
        return new Read(new StoredState(monitors, outbox), generation, Optional.ofNullable(history));
    }

    private static Map<String, MonitorState> readMonitors(JsonCursor in) throws IOException, ShapeException {
        Map<String, MonitorState> monitors = new LinkedHashMap<>();
        in.beginObject();
        while (in.nextField()) {
            String id = in.field();
            monitors.put(id, readMonitor(in));
        }
        return monitors;
    }

    private static MonitorState readMonitor(JsonCursor in) throws IOException, ShapeException {
        Snapshot lastGood = null;
        Integer failureStreak = null;
        String lastFailure = null;
        Map<String, Instant> alertedAt = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "lastGood" -> lastGood = readSnapshot(in);
                case "failureStreak" -> failureStreak = in.integer();
                case "lastFailure" -> lastFailure = in.string();
                case "alertedAt" -> {
                    alertedAt = new HashMap<>();
                    in.beginObject();
                    while (in.nextField()) {
                        alertedAt.put(in.field(), in.instant());
                    }
                }
                default -> in.skip();
            }
        }
        int streak = in.required(failureStreak, "failureStreak");
        Map<String, Instant> alerted = in.required(alertedAt, "alertedAt");
        Snapshot good = lastGood;
        String failure = lastFailure;
        return in.construct(() -> new MonitorState(Optional.ofNullable(good), streak, Optional.ofNullable(failure), alerted));
    }

    private static Snapshot readSnapshot(JsonCursor in) throws IOException, ShapeException {
        String service = null;
        Instant observedAt = null;
        List<Account> accounts = null;
        Map<String, MfaStatus> requirements = null;
        Map<String, String> facts = null;
        List<Gap> gaps = null;
        List<Notice> notices = List.of();
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "service" -> service = in.string();
                case "observedAt" -> observedAt = in.instant();
                case "accounts" -> {
                    accounts = new ArrayList<>();
                    in.beginArray();
                    while (in.nextElement()) {
                        accounts.add(readAccount(in));
                    }
                }
                case "requirements" -> {
                    requirements = new HashMap<>();
                    in.beginObject();
                    while (in.nextField()) {
                        requirements.put(in.field(), in.enumValue(MfaStatus.class));
                    }
                }
                case "facts" -> {
                    facts = new HashMap<>();
                    in.stringMap(facts);
                }
                case "gaps" -> {
                    gaps = new ArrayList<>();
                    in.beginArray();
                    while (in.nextElement()) {
                        gaps.add(readGap(in));
                    }
                }
                case "notices" -> {
                    List<Notice> read = new ArrayList<>();
                    in.beginArray();
                    while (in.nextElement()) {
                        read.add(readNotice(in));
                    }
                    notices = read;
                }
                default -> in.skip();
            }
        }
        String s = in.required(service, "service");
        Instant o = in.required(observedAt, "observedAt");
        List<Account> a = in.required(accounts, "accounts");
        Map<String, MfaStatus> r = in.required(requirements, "requirements");
        Map<String, String> f = in.required(facts, "facts");
        List<Gap> g = in.required(gaps, "gaps");
        List<Notice> n = notices;
        return in.construct(() -> new Snapshot(s, o, a, r, f, g, n));
    }

    private static Gap readGap(JsonCursor in) throws IOException, ShapeException {
        String scope = null;
        String reason = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "scope" -> scope = in.string();
                case "reason" -> reason = in.string();
                default -> in.skip();
            }
        }
        String s = in.required(scope, "scope");
        String r = in.required(reason, "reason");
        return in.construct(() -> new Gap(s, r));
    }

    private static Notice readNotice(JsonCursor in) throws IOException, ShapeException {
        EventType type = null;
        String accountId = null;
        String subject = null;
        String detail = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "type" -> type = readType(in);
                case "accountId" -> accountId = in.string();
                case "subject" -> subject = in.string();
                case "detail" -> detail = in.string();
                default -> in.skip();
            }
        }
        EventType t = in.required(type, "type");
        Optional<String> account = Optional.ofNullable(accountId);
        String s = in.required(subject, "subject");
        String d = in.required(detail, "detail");
        return in.construct(() -> new Notice(t, account, s, d));
    }

    static Account readAccount(JsonCursor in) throws IOException, ShapeException {
        String id = null;
        String name = null;
        String kind = null;
        MfaStatus mfa = null;
        String scope = "";
        Map<String, String> facts = Map.of();
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "id" -> id = in.string();
                case "name" -> name = in.string();
                case "kind" -> kind = in.sharedString();
                case "mfa" -> mfa = in.enumValue(MfaStatus.class);
                case "scope" -> scope = in.sharedString();
                case "facts" -> {
                    Map<String, String> read = new HashMap<>();
                    in.stringMap(read);
                    facts = read;
                }
                default -> in.skip();
            }
        }
        String i = in.required(id, "id");
        String n = in.required(name, "name");
        String k = in.required(kind, "kind");
        MfaStatus m = in.required(mfa, "mfa");
        String s = scope;
        Map<String, String> f = facts;
        return in.construct(() -> new Account(i, n, k, m, s, f));
    }

    private static List<OutboxEntry> readOutbox(JsonCursor in) throws IOException, ShapeException {
        List<OutboxEntry> outbox = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        in.beginArray();
        while (in.nextElement()) {
            OutboxEntry entry = readEntry(in);
            if (!ids.add(entry.id())) {
                throw in.wrong("has the id '" + entry.id() + "' of an earlier entry");
            }
            outbox.add(entry);
        }
        return outbox;
    }

    private static OutboxEntry readEntry(JsonCursor in) throws IOException, ShapeException {
        String id = null;
        Instant createdAt = null;
        ChangeEvent event = null;
        Map<String, Delivery> deliveries = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "id" -> id = in.string();
                case "createdAt" -> createdAt = in.instant();
                case "event" -> event = readEvent(in);
                case "deliveries" -> {
                    deliveries = new LinkedHashMap<>();
                    in.beginObject();
                    while (in.nextField()) {
                        deliveries.put(in.field(), readDelivery(in));
                    }
                }
                default -> in.skip();
            }
        }
        String i = in.required(id, "id");
        Instant c = in.required(createdAt, "createdAt");
        ChangeEvent e = in.required(event, "event");
        Map<String, Delivery> d = in.required(deliveries, "deliveries");
        return in.construct(() -> new OutboxEntry(i, e, c, d));
    }

    static ChangeEvent readEvent(JsonCursor in) throws IOException, ShapeException {
        String id = null;
        EventType type = null;
        Severity severity = null;
        String monitorId = null;
        String service = null;
        String notifierId = null;
        Account account = null;
        MfaStatus previous = null;
        MfaStatus current = null;
        Instant at = null;
        String detail = null;
        List<ChangeEvent> carried = List.of();
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "id" -> id = in.string();
                case "type" -> type = readType(in);
                case "severity" -> severity = in.enumValue(Severity.class);
                case "monitorId" -> monitorId = in.string();
                case "service" -> service = in.sharedString();
                case "notifierId" -> notifierId = in.string();
                case "account" -> account = readAccount(in);
                case "previous" -> previous = in.enumValue(MfaStatus.class);
                case "current" -> current = in.enumValue(MfaStatus.class);
                case "at" -> at = in.instant();
                case "detail" -> detail = in.string();
                case "carried" -> {
                    List<ChangeEvent> read = new ArrayList<>();
                    in.beginArray();
                    while (in.nextElement()) {
                        read.add(readEvent(in));
                    }
                    carried = read;
                }
                default -> in.skip();
            }
        }
        String i = in.required(id, "id");
        EventType t = in.required(type, "type");
        Severity s = in.required(severity, "severity");
        String m = in.required(monitorId, "monitorId");
        String svc = in.required(service, "service");
        Instant a = in.required(at, "at");
        String d = in.required(detail, "detail");
        Optional<String> notifier = Optional.ofNullable(notifierId);
        Optional<Account> acc = Optional.ofNullable(account);
        Optional<MfaStatus> prev = Optional.ofNullable(previous);
        Optional<MfaStatus> cur = Optional.ofNullable(current);
        List<ChangeEvent> c = carried;
        return in.construct(() -> new ChangeEvent(i, t, s, m, svc, acc, prev, cur, a, d, notifier, c));
    }

    private static EventType readType(JsonCursor in) throws IOException, ShapeException {
        String name = null;
        String words = null;
        Severity severity = null;
        Boolean goodNews = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "name" -> name = in.string();
                case "words" -> words = in.string();
                case "severity" -> severity = in.enumValue(Severity.class);
                case "goodNews" -> goodNews = in.bool();
                default -> in.skip();
            }
        }
        String n = in.required(name, "name");
        String w = in.required(words, "words");
        Severity s = in.required(severity, "severity");
        boolean g = in.required(goodNews, "goodNews");
        return in.construct(() -> EventType.restore(n, w, s, g));
    }

    /** Reads a delivery object (the cursor on its start). */
    static Delivery readDelivery(JsonCursor in) throws IOException, ShapeException {
        Delivery.State state = null;
        Integer attempts = null;
        Instant lastAttemptAt = null;
        String lastError = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "state" -> state = in.enumValue(Delivery.State.class);
                case "attempts" -> attempts = in.integer();
                case "lastAttemptAt" -> lastAttemptAt = in.instant();
                case "lastError" -> lastError = in.string();
                default -> in.skip();
            }
        }
        Delivery.State s = in.required(state, "state");
        int a = in.required(attempts, "attempts");
        Optional<Instant> at = Optional.ofNullable(lastAttemptAt);
        Optional<String> error = Optional.ofNullable(lastError);
        return in.construct(() -> new Delivery(s, a, at, error));
    }
}
