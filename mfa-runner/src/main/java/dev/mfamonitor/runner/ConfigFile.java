package dev.mfamonitor.runner;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.spi.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads the YAML configuration file into a {@link Configuration}.
 *
 * <p>Oversized input is refused before it is parsed: the file, any one line and any one value have limits far above
 * what a configuration needs, so that a pasted blob costs a clear error instead of seconds of parsing. Errors never
 * quote the file's text: a YAML error names the line and column and what is wrong, because the line may hold a token.
 */
final class ConfigFile {
    /** A configuration of a hundred monitors is some tens of kilobytes. */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    /** The longest line, checked before parsing (a long plain scalar is slow to scan). */
    static final int MAX_LINE_CHARS = 64 * 1024;
    /** The longest value or key, checked on the parsed tree. */
    static final int MAX_VALUE_CHARS = 64 * 1024;

    private static final YAMLMapper YAML = yamlMapper();

    private ConfigFile() {
    }

    private static YAMLMapper yamlMapper() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_FILE_BYTES);
        loader.setNestingDepthLimit(20);
        YAMLFactory factory = YAMLFactory.builder()
                .loaderOptions(loader)
                // YAML 1.1 reads yes/no/on/off as booleans: "remind: yes" would become "true" and the error could not
                // say what was written. Keep them as words; only true and false are booleans.
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .build();
        return YAMLMapper.builder(factory)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /**
     * @throws ConfigException when the file is missing, too big, not YAML, or not a valid configuration; the message
     *                         names the file, the line where YAML is broken, and the key, and never quotes the file
     */
    static Configuration load(Path file, UnaryOperator<String> environment) {
        Path absolute = file.toAbsolutePath().normalize();
        String name = absolute.toString();
        byte[] bytes = read(absolute, name);
        checkLines(bytes, name);
        JsonNode node;
        try {
            node = YAML.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ConfigException("configuration file " + name + " is not valid YAML" + syntaxError(e));
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + name + " (" + e.getClass().getSimpleName() + ")");
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ConfigException("configuration file " + name + " is empty; see examples/quickstart/mfa-monitor.yaml");
        }
        checkValues(node, "", name);
        Object tree = YAML.convertValue(node, Object.class);
        return Configuration.fromTree(tree, name, absolute.getParent(), environment);
    }

    private static byte[] read(Path absolute, String name) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + name + " does not exist; pass the right path with --config");
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + name + " (" + e.getClass().getSimpleName() + ")");
        }
        if (!attributes.isRegularFile()) {
            throw new ConfigException("configuration file " + name + " is not a regular file ("
                    + (attributes.isDirectory() ? "a directory" : "a device, pipe or socket") + "); pass a file with --config");
        }
        if (attributes.size() > MAX_FILE_BYTES) {
            throw new ConfigException(tooBig(name, attributes.size()));
        }
        try (InputStream in = Files.newInputStream(absolute)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new ConfigException(tooBig(name, bytes.length));
            }
            return bytes;
        } catch (AccessDeniedException e) {
            throw new ConfigException("cannot read configuration file " + name + ": permission denied; let the user running "
                    + "mfa-monitor read it");
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + name + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String tooBig(String name, long size) {
        return "configuration file " + name + " is " + (size > MAX_FILE_BYTES ? "more than " : "") + "1 MiB"
                + (size > MAX_FILE_BYTES + 1 ? " (" + size + " bytes)" : "")
                + "; a configuration is a few kilobytes: keep inventories in their own files and secrets in ${file:} references";
    }

    /** Refuses a line longer than {@link #MAX_LINE_CHARS} before the parser spends seconds on it. Bytes, not characters: a bound either way. */
    private static void checkLines(byte[] bytes, String name) {
        int line = 1;
        int length = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                line++;
                length = 0;
            } else if (++length > MAX_LINE_CHARS) {
                throw new ConfigException("configuration file " + name + " line " + line + " is longer than " + MAX_LINE_CHARS
                        + " characters; no value of a configuration is that long (read big values with ${file:PATH})");
            }
        }
    }

    private static void checkValues(JsonNode node, String path, String name) {
        if (node.isTextual() && node.textValue().length() > MAX_VALUE_CHARS) {
            throw new ConfigException("configuration file " + name + ": the value of '" + path + "' is "
                    + node.textValue().length() + " characters long, more than the " + MAX_VALUE_CHARS + " a value may have");
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = field.getKey();
                if (key.length() > MAX_VALUE_CHARS) {
                    throw new ConfigException("configuration file " + name + ": a key under '" + path + "' is " + key.length()
                            + " characters long, more than the " + MAX_VALUE_CHARS + " a key may have");
                }
                checkValues(field.getValue(), path.isEmpty() ? key : path + "." + key, name);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkValues(node.get(i), path + "[" + i + "]", name);
            }
        }
    }

    /**
     * " at line 3 column 6: mapping values are not allowed here": where, and SnakeYAML's description of the problem,
     * without the excerpt of the file that its message carries (the line could hold a token).
     */
    private static String syntaxError(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked) {
                Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
                String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + " column " + (mark.getColumn() + 1);
                String problem = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
                return where + (problem == null ? "" : ": " + firstLine(problem)) + hint(problem);
            }
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
        String message = e.getOriginalMessage() == null ? "" : firstLine(e.getOriginalMessage());
        // Jackson's own messages (a repeated key) name keys, never values; anything else is left out.
        return where + (message.startsWith("Duplicate field") ? ": " + message.replace("Duplicate field", "repeated key")
                : message.contains("exceeds the limit") ? ": the file is too big" : "");
    }

    private static String hint(String problem) {
        return problem != null && problem.contains("exceeds the limit") ? "" : "; check the indentation, and quote values "
                + "that contain ': ' or ' #'";
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }
}
