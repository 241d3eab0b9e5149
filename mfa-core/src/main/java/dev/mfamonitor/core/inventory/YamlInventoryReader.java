package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Account;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * <p>It works on SnakeYAML's node tree rather than on Java objects, so that every error can name its line, values are
 * taken as written ({@code id: 042} stays {@code "042"}), and nothing but plain data can be built from the file.
 */
final class YamlInventoryReader {
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("service", "accounts");
    private static final Set<String> ACCOUNT_KEYS = Set.of("id", "name", "mfa", "kind");
    private static final String ACCOUNT_KEYS_TEXT = "id, name, mfa, kind";
    private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

    private YamlInventoryReader() {
    }

    static Inventory read(InventoryText file) throws InventoryException {
        Node root = compose(file);
        if (root == null || isNull(root)) {
            throw file.error("the file is empty; write 'accounts:' followed by a list of entries with id, name and mfa");
        }
        if (!(root instanceof MappingNode top)) {
            throw file.error(line(root), "the file must be a block with 'accounts:' (and optionally 'service:'), found "
                    + describe(root));
        }
        Map<String, NodeTuple> entries = keys(file, top, TOP_LEVEL_KEYS, "service, accounts", "at the top of the file");
        Optional<String> service = Optional.empty();
        NodeTuple serviceEntry = entries.get("service");
        if (serviceEntry != null) {
            String value = scalar(file, "service", serviceEntry.getValueNode());
            if (value.isBlank()) {
                throw file.error(line(serviceEntry.getValueNode()), "service is empty; name the service or leave the key out");
            }
            service = Optional.of(value.trim());
        }
        NodeTuple accountsEntry = entries.get("accounts");
        if (accountsEntry == null) {
            throw file.error(line(top), "there is no 'accounts:' list; write 'accounts:' followed by entries with id, "
                    + "name and mfa, or 'accounts: []' for none");
        }
        Node accountsNode = accountsEntry.getValueNode();
        if (!(accountsNode instanceof SequenceNode list)) {
            throw file.error(line(accountsNode), "accounts must be a list of entries with id, name and mfa, found "
                    + describe(accountsNode) + "; write 'accounts: []' for none");
        }
        List<Account> accounts = new ArrayList<>();
        for (Node entry : list.getValue()) {
            accounts.add(account(file, entry));
        }
        return new Inventory(service, accounts);
    }

    private static Node compose(InventoryText file) throws InventoryException {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        try {
            return new Yaml(new SafeConstructor(options)).compose(new StringReader(file.text()));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String what = "not valid YAML: " + problem + "; check the indentation and quote values with ': ' or '#'";
            throw mark == null ? file.error(what) : file.error(mark.getLine() + 1, what);
        } catch (YAMLException e) {
            throw file.error("cannot be read as YAML: " + e.getMessage());
        }
    }

    private static Account account(InventoryText file, Node entry) throws InventoryException {
        if (!(entry instanceof MappingNode mapping)) {
            throw file.error(line(entry), "an account must be an entry with id, name and mfa (kind optional), found "
                    + describe(entry));
        }
        Map<String, NodeTuple> keys = keys(file, mapping, ACCOUNT_KEYS, ACCOUNT_KEYS_TEXT, "in an account");
        for (String required : List.of("id", "name", "mfa")) {
            NodeTuple tuple = keys.get(required);
            if (tuple == null || isNull(tuple.getValueNode())) {
                throw file.error(tuple == null ? line(mapping) : line(tuple.getValueNode()),
                        "account has no " + required + "; every account needs id, name and mfa (kind is optional)");
            }
        }
        Node id = keys.get("id").getValueNode();
        Node mfa = keys.get("mfa").getValueNode();
        NodeTuple kind = keys.get("kind");
        String kindValue = kind == null || isNull(kind.getValueNode()) ? "" : scalar(file, "kind", kind.getValueNode()).trim();
        return file.account(scalar(file, "id", id).trim(), scalar(file, "name", keys.get("name").getValueNode()),
                scalar(file, "mfa", mfa), line(mfa), kindValue, line(id), line(mapping));
    }

    /** The entries of a block by key, refusing unknown and repeated keys so that a typo cannot pass unnoticed. */
    private static Map<String, NodeTuple> keys(InventoryText file, MappingNode mapping, Set<String> allowed,
                                               String allowedText, String where) throws InventoryException {
        Map<String, NodeTuple> byKey = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                throw file.error(line(keyNode), "a key must be a plain word " + where + "; use " + allowedText);
            }
            String key = scalarKey.getValue();
            if (!allowed.contains(key)) {
                throw file.error(line(keyNode), "unknown key '" + key + "' " + where + "; use " + allowedText);
            }
            NodeTuple earlier = byKey.putIfAbsent(key, tuple);
            if (earlier != null) {
                throw file.error(line(keyNode), "key '" + key + "' is given twice " + where + " (also on line "
                        + line(earlier.getKeyNode()) + ")");
            }
        }
        return byKey;
    }

    private static String scalar(InventoryText file, String key, Node node) throws InventoryException {
        if (!(node instanceof ScalarNode scalar)) {
            throw file.error(line(node), key + " must be a single value, found " + describe(node));
        }
        return isNull(node) ? "" : scalar.getValue();
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        } else if (node instanceof MappingNode) {
            return "a block of keys";
        }
        return "the value '" + ((ScalarNode) node).getValue() + "'";
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }
}
