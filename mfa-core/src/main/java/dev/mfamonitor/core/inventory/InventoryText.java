package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;

import java.util.HashMap;
import java.util.Map;

/** What the YAML and CSV readers share about one inventory file: its name for errors, and the account checks. */
final class InventoryText {
    static final String ACCEPTED_STATUSES = "enabled, disabled, not_applicable, unknown";
    static final String DEFAULT_KIND = "user";
    /** The longest id, name or kind accepted: an e-mail address is at most 254, an AWS ARN at most 2,048. */
    static final int MAX_FIELD_CHARS = 2048;

    private final String fileName;
    private final Map<String, Integer> lineOfId = new HashMap<>();
    /** Kinds repeat on every row ("user", "admin"): share one string each instead of a million copies. */
    private final Map<String, String> kinds = new HashMap<>();

    /** @param fileName the file's name, as errors show it */
    InventoryText(String fileName) {
        this.fileName = fileName;
    }

    /** An error about the whole file: "inventory accounts.yaml: ...". */
    InventoryException error(String problem) {
        return new InventoryException("inventory " + fileName + ": " + problem);
    }

    /** An error about one line: "inventory accounts.yaml line 7: ...". */
    InventoryException error(int line, String problem) {
        return new InventoryException("inventory " + fileName + " line " + line + ": " + problem);
    }

    /** Refuses a field longer than {@link #MAX_FIELD_CHARS}; the value itself is not shown, only its length. */
    String field(String key, String value, int line) throws InventoryException {
        if (value.length() > MAX_FIELD_CHARS) {
            throw error(line, key + " is " + value.length() + " characters long, more than the " + MAX_FIELD_CHARS
                    + " an inventory accepts; check that the file is an account list");
        }
        return value;
    }

    /**
     * Builds an account from checked values.
     *
     * @param idLine the line of the id, for duplicate ids
     * @param line   the line of the entry, for the other errors
     */
    Account account(String id, String name, String mfa, int mfaLine, String kind, int idLine, int line)
            throws InventoryException {
        field("id", id, idLine);
        field("name", name, line);
        field("kind", kind, line);
        field("mfa", mfa, mfaLine);
        if (id.isBlank()) {
            throw error(idLine, "id is empty; every account needs an id that stays the same when it is renamed");
        }
        if (name.isBlank()) {
            throw error(line, "name of account '" + id + "' is empty; give every account a name");
        }
        MfaStatus status;
        try {
            status = MfaStatus.parse(mfa);
        } catch (IllegalArgumentException e) {
            throw error(mfaLine, "mfa '" + mfa + "' is not an MFA status; use one of " + ACCEPTED_STATUSES);
        }
        Integer earlier = lineOfId.putIfAbsent(id, idLine);
        if (earlier != null) {
            throw error(idLine, "id '" + id + "' is also the id of the account on line " + earlier
                    + "; every account needs its own id");
        }
        String sharedKind = kind.isBlank() ? DEFAULT_KIND : kinds.size() < 1000 ? kinds.computeIfAbsent(kind, k -> k) : kind;
        return new Account(id, name, sharedKind, status);
    }
}
