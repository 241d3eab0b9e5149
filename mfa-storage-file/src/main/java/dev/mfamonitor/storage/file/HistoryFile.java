package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.RunSummary;
import dev.mfamonitor.storage.file.JsonCursor.ShapeException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The history file beside the state file ({@code <state file>.history-<id>}): every committed event with its
 * delivery outcomes and a summary of each monitor per run, kept apart from the state so that a run's load and commit
 * never read or rewrite it.
 *
 * <p>The file is a sequence of chunks, one per commit that added history, each a gzip member holding one line of
 * compact JSON ({@code zcat} prints the whole file):
 * <pre>{@code
 * {"events":[{"id":"<entry id>","committedAt":"<instant>","event":<event>,"deliveries":{"<notifier>":<delivery>}}],
 *  "runs":[{"monitorId":"...","service":"github","runAt":"<instant>","health":"OK","problem":"..."?,
 *           "enabled":9,"weak":0,"disabled":1,"notApplicable":0,"unknown":0,"adminsWithoutMfa":1}],
 *  "finals":{"<entry id>":{"<notifier>":<delivery>}}}
 * }</pre>
 * ({@code event} and {@code delivery} as in {@link StateFileFormat}). {@code finals} are the last delivery outcomes
 * of the outbox entries this commit dropped: until then the outbox (and its journal) is where an entry's deliveries
 * change, and reading the history lays the outbox over the chunks.
 *
 * <p>What is committed is named by the state file ({@link Ref}): which history file, its chunks' lengths, checksums
 * and newest times, and the time before which history is dropped. Bytes past the last committed chunk (a commit killed
 * after its append and before its rename) are not history and are cut off by the next append. A chunk whose newest
 * time is older than the bound is dead; when dead chunks make up a quarter of the file, a commit writes a new file
 * with the live chunks (copied as they are) and its own, and the state file names the new one: the switch is the
 * state file's atomic rename, so a crash keeps the old file and its state together.
 */
final class HistoryFile {

    /** Dead bytes above this share of the file make a commit compact it. */
    static final double COMPACT_AT = 0.25;

    private HistoryFile() {
    }

    /**
     * The state file's reference to its history.
     *
     * @param id       the history file's suffix, {@code <state file>.history-<id>}
     * @param keepFrom history before this is dropped; never moves back, so that a longer {@code policy.history} does not
     *                 bring back what a commit dropped
     * @param chunks   the committed chunks, in file order
     */
    record Ref(String id, Optional<Instant> keepFrom, List<Chunk> chunks) {
        Ref {
            chunks = List.copyOf(chunks);
        }

        long length() {
            return chunks.stream().mapToLong(Chunk::length).sum();
        }

        long deadBytes() {
            return chunks.stream().filter(this::dead).mapToLong(Chunk::length).sum();
        }

        boolean dead(Chunk chunk) {
            return keepFrom.map(from -> chunk.newestMillis() < from.toEpochMilli()).orElse(false);
        }

        Ref withKeepFrom(Optional<Instant> bound) {
            if (bound.isEmpty() || keepFrom.map(k -> !bound.get().isAfter(k)).orElse(false)) {
                return this;
            }
            return new Ref(id, bound, chunks);
        }
    }

    /**
     * One committed chunk.
     *
     * @param newestMillis the newest time in it, in epoch milliseconds rounded up: the chunk is dead before it
     * @param length       its length in bytes
     * @param crc          the CRC-32C of its bytes
     */
    record Chunk(long newestMillis, long length, long crc) {
    }

    /** A chunk ready to append: its bytes and its entry in the reference. */
    record Encoded(byte[] bytes, Chunk chunk) {
    }

    /**
     * Encodes one commit's additions to the history; empty when it adds nothing.
     *
     * @param finals per entry id the outbox dropped, its last deliveries
     * @param time   the newest time the chunk stands for when it holds only finals (the newest creation time of the
     *               entries they are about)
     */
    static Optional<Encoded> encode(List<HistoryEntry> events, List<RunSummary> runs,
                                    Map<String, Map<String, Delivery>> finals, Instant time) throws IOException {
        if (events.isEmpty() && runs.isEmpty() && finals.isEmpty()) {
            return Optional.empty();
        }
        Instant newest = time;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + 300 * events.size());
        try (OutputStream gzip = fastGzip(bytes);
             JsonGenerator json = StateFileFormat.JSON.createGenerator(gzip)) {
            json.writeStartObject();
            json.writeArrayFieldStart("events");
            for (HistoryEntry entry : events) {
                newest = later(newest, entry.committedAt());
                json.writeStartObject();
                json.writeStringField("id", entry.id());
                json.writeStringField("committedAt", entry.committedAt().toString());
                json.writeFieldName("event");
                StateFileFormat.writeEvent(json, entry.event());
                writeDeliveries(json, entry.deliveries());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("runs");
            for (RunSummary run : runs) {
                newest = later(newest, run.runAt());
                writeRun(json, run);
            }
            json.writeEndArray();
            json.writeObjectFieldStart("finals");
            for (Map.Entry<String, Map<String, Delivery>> e : new TreeMap<>(finals).entrySet()) {
                json.writeFieldName(e.getKey());
                json.writeStartObject();
                for (Map.Entry<String, Delivery> d : new TreeMap<>(e.getValue()).entrySet()) {
                    json.writeFieldName(d.getKey());
                    StateFileFormat.writeDelivery(json, d.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
            json.writeRaw('\n');
        }
        byte[] encoded = bytes.toByteArray();
        long millis = newest.toEpochMilli() + (newest.getNano() % 1_000_000 == 0 ? 0 : 1);
        return Optional.of(new Encoded(encoded, new Chunk(millis, encoded.length, crc(encoded, 0, encoded.length))));
    }

    /**
     * Gzip at its fastest level: a run's chunk is compressed inside its commit, and the repeated field names and
     * values of a chunk's JSON shrink almost as well at level 1 as at the default 6, in a third of the time.
     */
    private static OutputStream fastGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        };
    }

    private static Instant later(Instant a, Instant b) {
        return b.isAfter(a) ? b : a;
    }

    private static void writeDeliveries(JsonGenerator json, Map<String, Delivery> deliveries) throws IOException {
        json.writeObjectFieldStart("deliveries");
        for (Map.Entry<String, Delivery> d : new TreeMap<>(deliveries).entrySet()) {
            json.writeFieldName(d.getKey());
            StateFileFormat.writeDelivery(json, d.getValue());
        }
        json.writeEndObject();
    }

    private static void writeRun(JsonGenerator json, RunSummary run) throws IOException {
        json.writeStartObject();
        json.writeStringField("monitorId", run.monitorId());
        json.writeStringField("service", run.service());
        json.writeStringField("runAt", run.runAt().toString());
        json.writeStringField("health", run.health().name());
        if (run.problem().isPresent()) {
            json.writeStringField("problem", run.problem().get());
        }
        json.writeNumberField("enabled", run.enabled());
        json.writeNumberField("weak", run.weak());
        json.writeNumberField("disabled", run.disabled());
        json.writeNumberField("notApplicable", run.notApplicable());
        json.writeNumberField("unknown", run.unknown());
        json.writeNumberField("adminsWithoutMfa", run.adminsWithoutMfa());
        json.writeEndObject();
    }

    static long crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }

    /** What one chunk holds. */
    record Decoded(List<HistoryEntry> events, List<RunSummary> runs, Map<String, Map<String, Delivery>> finals) {
    }

    /**
     * Decodes one chunk's bytes.
     *
     * @throws ShapeException when they fail their checksum or are not a chunk
     */
    static Decoded decode(byte[] bytes, Chunk chunk, int number) throws IOException, ShapeException {
        if (bytes.length != chunk.length() || crc(bytes, 0, bytes.length) != chunk.crc()) {
            throw new ShapeException("chunk " + number + " does not match the length and checksum the state file"
                    + " records for it (damaged, or the file was replaced)");
        }
        List<HistoryEntry> events = new ArrayList<>();
        List<RunSummary> runs = new ArrayList<>();
        Map<String, Map<String, Delivery>> finals = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 64 * 1024);
             JsonParser parser = StateFileFormat.parser(in)) {
            JsonCursor cursor = new JsonCursor(parser);
            if (!cursor.start()) {
                throw new ShapeException("chunk " + number + " is empty");
            }
            cursor.beginObject();
            while (cursor.nextField()) {
                switch (cursor.field()) {
                    case "events" -> {
                        cursor.beginArray();
                        while (cursor.nextElement()) {
                            events.add(readEntry(cursor));
                        }
                    }
                    case "runs" -> {
                        cursor.beginArray();
                        while (cursor.nextElement()) {
                            runs.add(readRun(cursor));
                        }
                    }
                    case "finals" -> {
                        cursor.beginObject();
                        while (cursor.nextField()) {
                            finals.put(cursor.field(), readDeliveries(cursor));
                        }
                    }
                    default -> cursor.skip();
                }
            }
            cursor.end();
        } catch (JsonProcessingException e) {
            throw new ShapeException("chunk " + number + " is not valid JSON: " + e.getOriginalMessage());
        } catch (ShapeException e) {
            throw new ShapeException("chunk " + number + ": " + e.getMessage());
        } catch (java.util.zip.ZipException e) {
            throw new ShapeException("chunk " + number + " is not gzip data: " + e.getMessage());
        }
        return new Decoded(events, runs, finals);
    }

    private static HistoryEntry readEntry(JsonCursor in) throws IOException, ShapeException {
        String id = null;
        Instant committedAt = null;
        ChangeEvent event = null;
        Map<String, Delivery> deliveries = Map.of();
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "id" -> id = in.string();
                case "committedAt" -> committedAt = in.instant();
                case "event" -> event = StateFileFormat.readEvent(in);
                case "deliveries" -> deliveries = readDeliveries(in);
                default -> in.skip();
            }
        }
        String i = in.required(id, "id");
        Instant c = in.required(committedAt, "committedAt");
        ChangeEvent e = in.required(event, "event");
        Map<String, Delivery> d = deliveries;
        return in.construct(() -> new HistoryEntry(i, e, c, d));
    }

    private static Map<String, Delivery> readDeliveries(JsonCursor in) throws IOException, ShapeException {
        Map<String, Delivery> deliveries = new LinkedHashMap<>();
        in.beginObject();
        while (in.nextField()) {
            deliveries.put(in.field(), StateFileFormat.readDelivery(in));
        }
        return deliveries;
    }

    private static RunSummary readRun(JsonCursor in) throws IOException, ShapeException {
        String monitorId = null;
        String service = null;
        Instant runAt = null;
        RunSummary.Health health = null;
        String problem = null;
        int[] counts = {-1, -1, -1, -1, -1, -1};
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "monitorId" -> monitorId = in.string();
                case "service" -> service = in.sharedString();
                case "runAt" -> runAt = in.instant();
                case "health" -> health = in.enumValue(RunSummary.Health.class);
                case "problem" -> problem = in.string();
                case "enabled" -> counts[0] = in.integer();
                case "weak" -> counts[1] = in.integer();
                case "disabled" -> counts[2] = in.integer();
                case "notApplicable" -> counts[3] = in.integer();
                case "unknown" -> counts[4] = in.integer();
                case "adminsWithoutMfa" -> counts[5] = in.integer();
                default -> in.skip();
            }
        }
        String m = in.required(monitorId, "monitorId");
        String s = in.required(service, "service");
        Instant r = in.required(runAt, "runAt");
        RunSummary.Health h = in.required(health, "health");
        String[] names = {"enabled", "weak", "disabled", "notApplicable", "unknown", "adminsWithoutMfa"};
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw in.missing(names[i]);
            }
        }
        Optional<String> p = Optional.ofNullable(problem);
        return in.construct(() -> new RunSummary(m, s, r, h, p, counts[0], counts[1], counts[2], counts[3], counts[4],
                counts[5]));
    }

    // ---- the reference in the state file

    /** Writes {@code "history":{...}} into the state file's top-level object. */
    static void writeRef(JsonGenerator json, Ref ref) throws IOException {
        json.writeObjectFieldStart("history");
        json.writeStringField("id", ref.id());
        if (ref.keepFrom().isPresent()) {
            json.writeStringField("keepFrom", ref.keepFrom().get().toString());
        }
        json.writeArrayFieldStart("chunks");
        for (Chunk chunk : ref.chunks()) {
            json.writeStartArray();
            json.writeNumber(chunk.newestMillis());
            json.writeNumber(chunk.length());
            json.writeNumber(chunk.crc());
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** Reads the value of the state file's {@code history} field. */
    static Ref readRef(JsonCursor in) throws IOException, ShapeException {
        String id = null;
        Instant keepFrom = null;
        List<Chunk> chunks = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "id" -> id = in.string();
                case "keepFrom" -> keepFrom = in.instant();
                case "chunks" -> {
                    chunks = new ArrayList<>();
                    in.beginArray();
                    while (in.nextElement()) {
                        in.beginArray();
                        long[] values = new long[3];
                        for (int i = 0; i < 3; i++) {
                            if (!in.nextElement()) {
                                throw in.wrong("is a chunk of fewer than 3 numbers");
                            }
                            values[i] = in.longInteger();
                        }
                        if (in.nextElement()) {
                            throw in.wrong("is a chunk of more than 3 numbers");
                        }
                        if (values[1] <= 0 || values[2] < 0) {
                            throw in.wrong("is a chunk of a length or checksum out of range");
                        }
                        chunks.add(new Chunk(values[0], values[1], values[2]));
                    }
                }
                default -> in.skip();
            }
        }
        String i = in.required(id, "id");
        if (!i.matches("[0-9a-f]{8,64}")) {
            throw in.wrong("names the history file '" + i + "', which is not one this store writes");
        }
        List<Chunk> c = in.required(chunks, "chunks");
        return new Ref(i, Optional.ofNullable(keepFrom), c);
    }
}
