package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.storage.file.JsonCursor.ShapeException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The delivery journal beside the state file ({@code <state file>.journal}): how deliveries went since the last
 * commit, so that a mark is a short append and never a rewrite of the snapshots.
 *
 * <p>One line per {@link dev.mfamonitor.storage.file.FileStateStore#mark} call, each {@code <length> <crc32c> <json>\n}
 * with the payload's length in bytes (decimal) and its CRC-32C (8 hex digits). The first line is a header naming the
 * generation of the state file the marks apply to: {@code {"journal":1,"generation":"..."}}. The others each hold the
 * marks of one call, stored together or not at all:
 * {@code {"marks":[{"entry":"<entry id>","notifier":"<id>","delivery":{"state":"DELIVERED","attempts":1,...}}]}}.
 *
 * <p>A crash in the middle of an append leaves a torn last line (short, zero-filled or failing its checksum): it is
 * recognised and ignored, which loses at most that call's marks, so those deliveries are sent again (at-least-once
 * allows it), and the next append first cuts it off. A bad line followed by a good one is not a torn append but
 * damage, and the state is refused. A journal whose generation is not the state file's is stale (the commit that
 * folded it in was interrupted before removing it) and is ignored.
 */
final class DeliveryJournal {

    static final int VERSION = 1;
    /** Longer lines are not ours (a mark line holds one call's marks: a few hundred bytes per delivery). */
    private static final int MAX_LINE = 256 * 1024 * 1024;

    private DeliveryJournal() {
    }

    /** What a journal holds. */
    record Replay(String generation, List<DeliveryMark> marks, long validLength) {
        /** A journal with no readable header: nothing to apply. */
        static Replay none() {
            return new Replay(null, List.of(), 0);
        }
    }

    /** The header line for a journal of the state file of {@code generation}. */
    static byte[] header(String generation) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (JsonGenerator json = StateFileFormat.JSON.createGenerator(payload)) {
            json.writeStartObject();
            json.writeNumberField("journal", VERSION);
            json.writeStringField("generation", generation);
            json.writeEndObject();
        }
        return frame(payload.toByteArray());
    }

    /** One line holding {@code marks}. */
    static byte[] line(List<DeliveryMark> marks) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(64 + 128 * marks.size());
        try (JsonGenerator json = StateFileFormat.JSON.createGenerator(payload)) {
            json.writeStartObject();
            json.writeArrayFieldStart("marks");
            for (DeliveryMark mark : marks) {
                json.writeStartObject();
                json.writeStringField("entry", mark.entryId());
                json.writeStringField("notifier", mark.notifierId());
                json.writeFieldName("delivery");
                StateFileFormat.writeDelivery(json, mark.delivery());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return frame(payload.toByteArray());
    }

    private static byte[] frame(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        byte[] prefix = (payload.length + " " + String.format("%08x", crc.getValue()) + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[prefix.length + payload.length + 1];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(payload, 0, line, prefix.length, payload.length);
        line[line.length - 1] = '\n';
        return line;
    }

    /**
     * Reads a journal. Stops at the header when its generation is not {@code expectedGeneration} (a stale journal:
     * nothing of it applies).
     *
     * @throws ShapeException when a line is damaged and a good line follows it, or a line is good but not a journal line
     */
    static Replay read(InputStream in, String expectedGeneration) throws IOException, ShapeException {
        LineReader lines = new LineReader(in);
        String generation = null;
        List<DeliveryMark> marks = new ArrayList<>();
        long validLength = 0;
        long firstBadLine = -1;
        for (int number = 1; ; number++) {
            long start = lines.position();
            byte[] payload = lines.next();
            if (payload == null) {
                break;
            }
            if (payload == LineReader.BAD) {
                if (firstBadLine < 0) {
                    firstBadLine = number;
                }
                continue;
            }
            if (firstBadLine >= 0) {
                throw new ShapeException("line " + firstBadLine + " is damaged (its length or checksum does not match),"
                        + " yet line " + number + " after it is whole: this is not an interrupted write");
            }
            if (number == 1) {
                generation = readHeader(payload);
                if (!generation.equals(expectedGeneration)) {
                    return new Replay(generation, List.of(), lines.position());
                }
            } else {
                marks.addAll(readMarks(payload, number));
            }
            validLength = lines.position();
            assert start < validLength;
        }
        if (generation == null) {
            return Replay.none();
        }
        return new Replay(generation, marks, validLength);
    }

    private static String readHeader(byte[] payload) throws IOException, ShapeException {
        JsonCursor in = cursor(payload);
        Integer version = null;
        String generation = null;
        try {
            in.start();
            in.beginObject();
            while (in.nextField()) {
                switch (in.field()) {
                    case "journal" -> version = in.integer();
                    case "generation" -> generation = in.string();
                    default -> in.skip();
                }
            }
            in.end();
        } catch (JsonProcessingException e) {
            throw new ShapeException("line 1 is not a journal header: " + e.getOriginalMessage());
        }
        if (version == null || generation == null) {
            throw new ShapeException("line 1 is not a journal header (it names no journal version and generation)");
        }
        if (version > VERSION) {
            throw new ShapeException("was written by a newer mfa-monitor (journal version " + version
                    + "; this version reads " + VERSION + ")");
        }
        return generation;
    }

    private static List<DeliveryMark> readMarks(byte[] payload, int number) throws IOException, ShapeException {
        JsonCursor in = cursor(payload);
        List<DeliveryMark> marks = new ArrayList<>();
        boolean seen = false;
        try {
            in.start();
            in.beginObject();
            while (in.nextField()) {
                if (!in.field().equals("marks")) {
                    in.skip();
                    continue;
                }
                seen = true;
                in.beginArray();
                while (in.nextElement()) {
                    marks.add(readMark(in));
                }
            }
            in.end();
        } catch (JsonProcessingException e) {
            throw new ShapeException("line " + number + " passes its checksum but is not JSON: " + e.getOriginalMessage());
        } catch (ShapeException e) {
            throw new ShapeException("line " + number + ": " + e.getMessage());
        }
        if (!seen) {
            throw new ShapeException("line " + number + " holds no marks");
        }
        return marks;
    }

    private static DeliveryMark readMark(JsonCursor in) throws IOException, ShapeException {
        String entry = null;
        String notifier = null;
        Delivery delivery = null;
        in.beginObject();
        while (in.nextField()) {
            switch (in.field()) {
                case "entry" -> entry = in.string();
                case "notifier" -> notifier = in.string();
                case "delivery" -> delivery = StateFileFormat.readDelivery(in);
                default -> in.skip();
            }
        }
        String e = in.required(entry, "entry");
        String n = in.required(notifier, "notifier");
        Delivery d = in.required(delivery, "delivery");
        return in.construct(() -> new DeliveryMark(e, n, d));
    }

    private static JsonCursor cursor(byte[] payload) throws IOException {
        JsonParser parser = StateFileFormat.parser(new ByteArrayInputStream(payload));
        return new JsonCursor(parser);
    }

    /**
     * Splits the journal at newlines (a compact JSON payload holds none) and checks each line's frame. Holds one line
     * at a time.
     */
    private static final class LineReader {
        static final byte[] BAD = new byte[0];

        private final InputStream in;
        private long position;
        private final byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;

        LineReader(InputStream in) {
            this.in = in;
        }

        long position() {
            return position;
        }

        /** The next line's payload; {@link #BAD} for a line whose frame does not check out; null at the end. */
        byte[] next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean tooLong = false;
            long length = 0;
            while (true) {
                if (start == end) {
                    end = in.read(buffer);
                    start = 0;
                    if (end <= 0) {
                        end = 0;
                        if (length == 0) {
                            return null;
                        }
                        position += length;
                        return BAD; // no newline: a torn last line
                    }
                }
                int newline = -1;
                for (int i = start; i < end; i++) {
                    if (buffer[i] == '\n') {
                        newline = i;
                        break;
                    }
                }
                int stop = newline >= 0 ? newline : end;
                int count = stop - start;
                length += count;
                if (!tooLong && length <= MAX_LINE) {
                    line.write(buffer, start, count);
                } else {
                    tooLong = true;
                }
                start = newline >= 0 ? newline + 1 : end;
                if (newline >= 0) {
                    position += length + 1;
                    return tooLong ? BAD : check(line.toByteArray());
                }
            }
        }

        private static byte[] check(byte[] line) {
            int firstSpace = indexOf(line, (byte) ' ', 0);
            if (firstSpace <= 0 || firstSpace > 10) {
                return BAD;
            }
            int secondSpace = firstSpace + 9;
            if (line.length <= secondSpace || line[secondSpace] != ' ') {
                return BAD;
            }
            long length;
            long expected;
            try {
                length = Long.parseLong(new String(line, 0, firstSpace, StandardCharsets.US_ASCII));
                expected = Long.parseLong(new String(line, firstSpace + 1, 8, StandardCharsets.US_ASCII), 16);
            } catch (NumberFormatException e) {
                return BAD;
            }
            int payloadStart = secondSpace + 1;
            if (length != line.length - payloadStart) {
                return BAD;
            }
            CRC32C crc = new CRC32C();
            crc.update(line, payloadStart, line.length - payloadStart);
            if (crc.getValue() != expected) {
                return BAD;
            }
            byte[] payload = new byte[line.length - payloadStart];
            System.arraycopy(line, payloadStart, payload, 0, payload.length);
            return payload;
        }

        private static int indexOf(byte[] bytes, byte b, int from) {
            for (int i = from; i < bytes.length; i++) {
                if (bytes[i] == b) {
                    return i;
                }
            }
            return -1;
        }
    }
}
