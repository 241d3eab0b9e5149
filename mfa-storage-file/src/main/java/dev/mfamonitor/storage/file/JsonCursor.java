package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A streaming JSON parser that knows where it is ({@code outbox[2].deliveries.slack.attempts}), so that a state file
 * of any size is read token by token and a wrong field is still named exactly. The path is kept as a small stack and
 * turned into text only for a message.
 */
final class JsonCursor {
    private static final int MAX_DEPTH = 64;

    private final JsonParser parser;
    private final String[] names = new String[MAX_DEPTH];
    private final int[] indices = new int[MAX_DEPTH];
    private int depth;
    /** Short repeated values (kinds, fact values, scopes) shared instead of held once per account. */
    private final Map<String, String> shared = new HashMap<>();

    JsonCursor(JsonParser parser) {
        this.parser = parser;
    }

    JsonParser parser() {
        return parser;
    }

    /** Moves to the first token of the document; false when there is none (an empty or white-space-only document). */
    boolean start() throws IOException {
        return parser.nextToken() != null;
    }

    /** Checks that the document ends after its first value. */
    void end() throws IOException, ShapeException {
        if (parser.nextToken() != null) {
            throw new ShapeException("the file goes on after the end of the state (" + parser.currentToken() + ")");
        }
    }

    // ---- structure

    void beginObject() throws ShapeException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType("an object");
        }
        push(null, -1);
    }

    /** Moves to the next field's value; false (and out of the object) at its end. */
    boolean nextField() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_OBJECT) {
            depth--;
            return false;
        }
        names[depth - 1] = parser.currentName();
        parser.nextToken();
        return true;
    }

    /** The name of the field whose value the cursor is on. */
    String field() {
        return names[depth - 1];
    }

    void beginArray() throws ShapeException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw wrongType("an array");
        }
        push(null, -1);
    }

    /** Moves to the next element; false (and out of the array) at its end. */
    boolean nextElement() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_ARRAY) {
            depth--;
            return false;
        }
        indices[depth - 1]++;
        return true;
    }

    /** Skips the value the cursor is on (an unknown field's, which a newer writer of this schema may add). */
    void skip() throws IOException {
        parser.skipChildren();
    }

    boolean isNull() {
        return parser.currentToken() == JsonToken.VALUE_NULL;
    }

    // ---- values

    String string() throws ShapeException, IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw wrongType("a string");
        }
        return parser.getText();
    }

    /** A string that repeats across accounts (a kind, a scope, a short fact value), held once. */
    String sharedString() throws ShapeException, IOException {
        String value = string();
        if (value.length() > 32) {
            return value;
        }
        String known = shared.putIfAbsent(value, value);
        if (known == null && shared.size() > 8192) {
            shared.clear();
        }
        return known != null ? known : value;
    }

    int integer() throws ShapeException, IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
            throw wrongType("a whole number");
        }
        return parser.getIntValue();
    }

    long longInteger() throws ShapeException, IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw wrongType("a whole number");
        }
        return parser.getLongValue();
    }

    boolean bool() throws ShapeException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw wrongType("true or false");
        }
        return token == JsonToken.VALUE_TRUE;
    }

    Instant instant() throws ShapeException, IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw wrongType("a time");
        }
        String text = parser.getText();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw wrong("is '" + text + "', expected an ISO-8601 time such as 2024-05-01T12:00:00Z");
        }
    }

    <E extends Enum<E>> E enumValue(Class<E> type) throws ShapeException, IOException {
        String text = string();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        throw wrong("is '" + text + "', expected one of " + String.join(", ", names));
    }

    /** An object of strings, read into {@code into}. */
    void stringMap(Map<String, String> into) throws ShapeException, IOException {
        beginObject();
        while (nextField()) {
            into.put(field(), sharedString());
        }
    }

    // ---- errors

    /** The path of the value the cursor is on, such as {@code outbox[2].deliveries.slack}; "the top level" at the root. */
    String where() {
        if (depth == 0) {
            return "the top level";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (indices[i] >= 0) {
                text.append('[').append(indices[i]).append(']');
            } else if (names[i] != null) {
                if (text.length() > 0) {
                    text.append('.');
                }
                text.append(names[i]);
            }
        }
        return text.length() == 0 ? "the top level" : text.toString();
    }

    ShapeException wrong(String problem) {
        String where = where();
        return new ShapeException((where.equals("the top level") ? where : "'" + where + "'") + " " + problem);
    }

    ShapeException missing(String field) {
        String where = where();
        return new ShapeException("'" + (where.equals("the top level") ? field : where + "." + field) + "' is missing");
    }

    <T> T required(T value, String field) throws ShapeException {
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    /**
     * Runs a record's constructor for the value the cursor has just left, turning its own checks (a blank id, negative
     * attempts, no deliveries) into a message naming that value.
     */
    <T> T construct(Supplier<T> constructor) throws ShapeException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw wrong("is not valid: " + e.getMessage());
        }
    }

    private ShapeException wrongType(String expected) {
        return wrong("is " + kindOf(parser.currentToken()) + ", expected " + expected);
    }

    private void push(String name, int index) throws ShapeException {
        if (depth == MAX_DEPTH) {
            throw wrong("nests more than " + MAX_DEPTH + " levels deep");
        }
        names[depth] = name;
        indices[depth] = index;
        depth++;
    }

    private static String kindOf(JsonToken token) {
        if (token == null) {
            return "missing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The file is JSON but not a state of the expected shape. The message names the first bad field. */
    static final class ShapeException extends Exception {
        private static final long serialVersionUID = 1L;

        ShapeException(String message) {
            super(message);
        }
    }
}
