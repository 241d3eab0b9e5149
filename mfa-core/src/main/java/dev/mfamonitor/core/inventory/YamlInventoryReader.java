package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Account;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the YAML form:
 *
 * <pre>
 * service: hr-portal          # optional
 * accounts:
 *   - { id: 1, name: alice, mfa: enabled }
 *   - id: svc-backup
 *     name: backup
 *     mfa: not_applicable
 *     kind: service-account   # optional, default user
 * </pre>
 *
 * <p>It reads SnakeYAML's parser events one at a time rather than a node tree or Java objects, so that a big inventory
 * is never held in memory as a tree, every error can name its line, values are taken as written ({@code id: 042}
 * stays {@code "042"}), and nothing but plain data can be built from the file.
 */
final class YamlInventoryReader {
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("service", "accounts");
    private static final Set<String> ACCOUNT_KEYS = Set.of("id", "name", "mfa", "kind");
    private static final String TOP_LEVEL_KEYS_TEXT = "service, accounts";
    private static final String ACCOUNT_KEYS_TEXT = "id, name, mfa, kind";
    private static final String SYNTAX_HINT = "; check the indentation and quote values with ': ' or '#'";

    /** A scalar as written; {@code text} is null for YAML's null ({@code ~}, {@code null} or nothing). */
    private record Value(String text, int line) {
    }

    private final InventoryText file;
    private final Parser parser;
    private final Resolver resolver = new Resolver();

    private YamlInventoryReader(InventoryText file, Parser parser) {
        this.file = file;
        this.parser = parser;
    }

    static Inventory read(InventoryText file, Reader input) throws InventoryException {
        LoaderOptions options = new LoaderOptions();
        // The stream is checked line by line (TrackedReader) and field by field; the whole may be large.
        options.setCodePointLimit(Integer.MAX_VALUE);
        Parser parser = new ParserImpl(new StreamReader(input), options);
        try {
            try {
                return new YamlInventoryReader(file, parser).document();
            } catch (InventoryException e) {
                // A syntax error further down is what to fix first, as when the whole file was parsed before checking.
                while (!parser.checkEvent(Event.ID.StreamEnd)) {
                    parser.getEvent();
                }
                throw e;
            }
        } catch (MarkedYAMLException e) {
            if (InventoryInput.isInputError(e)) {
                throw InventoryInput.readError(file, e, "YAML");
            }
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String what = "not valid YAML: " + problem + SYNTAX_HINT;
            throw mark == null ? file.error(what) : file.error(mark.getLine() + 1, what);
        } catch (YAMLException e) {
            throw InventoryInput.readError(file, e, "YAML");
        }
    }

    private Inventory document() throws InventoryException {
        parser.getEvent(); // stream start
        if (parser.checkEvent(Event.ID.StreamEnd)) {
            throw emptyFile();
        }
        parser.getEvent(); // document start
        Event root = parser.getEvent();
        checkTag(root);
        if (root instanceof ScalarEvent scalar && isNull(scalar)) {
            throw emptyFile();
        }
        if (!(root instanceof MappingStartEvent)) {
            throw file.error(line(root), "the file must be a block with 'accounts:' (and optionally 'service:'), found "
                    + describe(root));
        }
        Optional<String> service = Optional.empty();
        List<Account> accounts = null;
        Map<String, Integer> keyLines = new HashMap<>();
        while (!parser.checkEvent(Event.ID.MappingEnd)) {
            String key = key(keyLines, TOP_LEVEL_KEYS, TOP_LEVEL_KEYS_TEXT, "at the top of the file");
            if (key.equals("service")) {
                Value value = value("service");
                String text = value.text() == null ? "" : value.text();
                if (text.isBlank()) {
                    throw file.error(value.line(), "service is empty; name the service or leave the key out");
                }
                service = Optional.of(file.field("service", text, value.line()).trim());
            } else {
                accounts = accounts();
            }
        }
        parser.getEvent(); // mapping end
        if (accounts == null) {
            throw file.error(line(root), "there is no 'accounts:' list; write 'accounts:' followed by entries with id, "
                    + "name and mfa, or 'accounts: []' for none");
        }
        parser.getEvent(); // document end
        if (!parser.checkEvent(Event.ID.StreamEnd)) {
            throw file.error(line(parser.peekEvent()), "not valid YAML: expected a single document in the stream" + SYNTAX_HINT);
        }
        return new Inventory(service, accounts);
    }

    private List<Account> accounts() throws InventoryException {
        Event start = parser.getEvent();
        checkTag(start);
        if (!(start instanceof SequenceStartEvent)) {
            throw file.error(line(start), "accounts must be a list of entries with id, name and mfa, found "
                    + describe(start) + "; write 'accounts: []' for none");
        }
        List<Account> accounts = new ArrayList<>();
        while (!parser.checkEvent(Event.ID.SequenceEnd)) {
            accounts.add(account());
        }
        parser.getEvent(); // sequence end
        return accounts;
    }

    private Account account() throws InventoryException {
        Event start = parser.getEvent();
        checkTag(start);
        if (!(start instanceof MappingStartEvent)) {
            throw file.error(line(start), "an account must be an entry with id, name and mfa (kind optional), found "
                    + describe(start));
        }
        Map<String, Integer> keyLines = new HashMap<>();
        Map<String, Value> values = new HashMap<>();
        while (!parser.checkEvent(Event.ID.MappingEnd)) {
            String key = key(keyLines, ACCOUNT_KEYS, ACCOUNT_KEYS_TEXT, "in an account");
            values.put(key, value(key));
        }
        parser.getEvent(); // mapping end
        for (String required : List.of("id", "name", "mfa")) {
            Value value = values.get(required);
            if (value == null || value.text() == null) {
                throw file.error(value == null ? line(start) : value.line(),
                        "account has no " + required + "; every account needs id, name and mfa (kind is optional)");
            }
        }
        Value id = values.get("id");
        Value mfa = values.get("mfa");
        Value kind = values.get("kind");
        String kindText = kind == null || kind.text() == null ? "" : kind.text().trim();
        return file.account(id.text().trim(), values.get("name").text(), mfa.text(), mfa.line(), kindText, id.line(),
                line(start));
    }

    /** The next key of a block, refusing unknown and repeated keys so that a typo cannot pass unnoticed. */
    private String key(Map<String, Integer> keyLines, Set<String> allowed, String allowedText, String where)
            throws InventoryException {
        Event event = parser.getEvent();
        checkTag(event);
        if (!(event instanceof ScalarEvent scalar)) {
            throw file.error(line(event), "a key must be a plain word " + where + "; use " + allowedText);
        }
        String key = scalar.getValue();
        if (!allowed.contains(key)) {
            throw file.error(line(event), "unknown key '" + file.field("key", key, line(event)) + "' " + where + "; use "
                    + allowedText);
        }
        Integer earlier = keyLines.putIfAbsent(key, line(event));
        if (earlier != null) {
            throw file.error(line(event), "key '" + key + "' is given twice " + where + " (also on line " + earlier + ")");
        }
        return key;
    }

    private Value value(String key) throws InventoryException {
        Event event = parser.getEvent();
        checkTag(event);
        if (!(event instanceof ScalarEvent scalar)) {
            throw file.error(line(event), key + " must be a single value, found " + describe(event));
        }
        return new Value(isNull(scalar) ? null : scalar.getValue(), line(event));
    }

    /** The composer's rule, kept now that the composer is not used: no global tag can name a Java class. */
    private void checkTag(Event event) throws InventoryException {
        String tag = event instanceof ScalarEvent scalar ? scalar.getTag()
                : event instanceof CollectionStartEvent collection ? collection.getTag() : null;
        if (tag != null && !tag.equals("!") && new Tag(tag).isCustomGlobal()) {
            throw file.error(line(event), "not valid YAML: Global tag is not allowed: " + tag + SYNTAX_HINT);
        }
        if (event instanceof AliasEvent alias) {
            throw file.error(line(event), "the alias *" + alias.getAnchor() + " is not supported in an inventory; write "
                    + "the value out");
        }
    }

    private boolean isNull(ScalarEvent scalar) {
        String tag = scalar.getTag();
        if (tag == null || tag.equals("!")) {
            return Tag.NULL.equals(resolver.resolve(NodeId.scalar, scalar.getValue(), scalar.getImplicit().canOmitTagInPlainScalar()));
        }
        return Tag.NULL.getValue().equals(tag);
    }

    private InventoryException emptyFile() {
        return file.error("the file is empty; write 'accounts:' followed by a list of entries with id, name and mfa");
    }

    private static String describe(Event event) {
        if (event instanceof SequenceStartEvent) {
            return "a list";
        } else if (event instanceof MappingStartEvent) {
            return "a block of keys";
        } else if (event instanceof ScalarEvent scalar) {
            return "the value '" + scalar.getValue() + "'";
        }
        return "something else";
    }

    private static int line(Event event) {
        return event.getStartMark().getLine() + 1;
    }
}
