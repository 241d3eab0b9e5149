package dev.mfamonitor.notifier.slack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A message as the JSON body Slack takes ({@code text}, {@code blocks}, unfurling off, the optional name and icon), and
 * Slack's JSON answers read back.
 *
 * <p>The body is written exactly as the Slack SDK's Gson settings wrote it before this notifier dropped the SDK, byte
 * for byte: keys in the SDK's order, compact, and Gson's escaping ({@code < > & = '} written as escapes such as
 * {@code &#92;u003c}, control characters as lower-case {@code &#92;u001f}, U+2028 and U+2029 escaped, everything else as
 * it is). The JSON
 * means the same either way; keeping the bytes keeps every test and the payload's check against Slack's
 * {@code @slack/types} valid as they were.
 */
final class SlackJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory WRITER = new JsonFactory().setCharacterEscapes(new GsonEscapes());

    private SlackJson() {
    }

    /** The message as Slack's JSON: text, blocks, unfurling off, then the optional name and icon. */
    static ObjectNode payload(SlackMessage message, Optional<String> username, Optional<String> iconEmoji) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("text", message.text());
        ArrayNode blocks = json.putArray("blocks");
        for (Block block : message.blocks()) {
            ObjectNode node = blocks.addObject();
            if (block instanceof Block.Header header) {
                node.put("type", "header");
                node.putObject("text").put("type", "plain_text").put("text", header.text());
            } else if (block instanceof Block.Section section) {
                node.put("type", "section");
                node.set("text", mrkdwn(section.mrkdwn()));
            } else if (block instanceof Block.Context context) {
                node.put("type", "context");
                ArrayNode elements = node.putArray("elements");
                context.mrkdwn().forEach(text -> elements.add(mrkdwn(text)));
            }
        }
        json.put("unfurl_links", false);
        json.put("unfurl_media", false);
        // Legacy fields (new-style webhooks ignore them; chat.postMessage takes them), after the rest as before.
        username.ifPresent(name -> json.put("username", name));
        iconEmoji.ifPresent(emoji -> json.put("icon_emoji", emoji));
        return json;
    }

    private static ObjectNode mrkdwn(String text) {
        return MAPPER.createObjectNode().put("type", "mrkdwn").put("text", text).put("verbatim", true);
    }

    /** Compact JSON, escaped as described above. */
    static String write(JsonNode json) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = WRITER.createGenerator(out)) {
            MAPPER.writeTree(generator, json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    /**
     * A JSON object read from an answer, if the answer is one (a single object and nothing after it).
     */
    static Optional<JsonNode> object(String body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** Gson's HTML-safe escaping, which the SDK's settings kept on. */
    private static final class GsonEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        GsonEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (ascii[c] == ESCAPE_STANDARD) {
                    ascii[c] = ESCAPE_CUSTOM; // lower-case hex, as Gson writes it
                }
            }
            for (char c : "<>&='".toCharArray()) {
                ascii[c] = ESCAPE_CUSTOM;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean escaped = ch < ascii.length ? ascii[ch] == ESCAPE_CUSTOM : ch == 0x2028 || ch == 0x2029;
            return escaped ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
