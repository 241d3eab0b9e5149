package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The text of one inventory file, with what the YAML and CSV readers share: error messages and account checks. */
final class InventoryText {
    static final String ACCEPTED_STATUSES = "enabled, disabled, not_applicable, unknown";
    static final String DEFAULT_KIND = "user";

    private final String fileName;
    private final String text;
    private final int[] lineStarts;
    private final Map<String, Integer> lineOfId = new HashMap<>();

    /**
     * @param fileName the file's name, as errors show it
     * @param text     the file's text, without a byte order mark
     */
    InventoryText(String fileName, String text) {
        this.fileName = fileName;
        this.text = text;
        this.lineStarts = lineStarts(text);
    }

    String text() {
        return text;
    }

    /** An error about the whole file: "inventory accounts.yaml: ...". */
    InventoryException error(String problem) {
        return new InventoryException("inventory " + fileName + ": " + problem);
    }

    /** An error about one line: "inventory accounts.yaml line 7: ...". */
    InventoryException error(int line, String problem) {
        return new InventoryException("inventory " + fileName + " line " + line + ": " + problem);
    }

    /** The 1-based line of a character offset; {@code \r\n}, {@code \n} and {@code \r} each end a line. */
    int lineAt(long offset) {
        int low = 0;
        int high = lineStarts.length - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low + 1;
    }

    /** The first offset at or after {@code offset} that is not a line break: where a record after blank lines starts. */
    long skipLineBreaks(long offset) {
        long at = offset;
        while (at < text.length() && (text.charAt((int) at) == '\n' || text.charAt((int) at) == '\r')) {
            at++;
        }
        return at;
    }

    /** Whether the line (1-based) is empty. */
    boolean emptyLine(int line) {
        if (line < 1 || line > lineStarts.length) {
            return false;
        }
        int start = lineStarts[line - 1];
        return start >= text.length() || text.charAt(start) == '\n' || text.charAt(start) == '\r';
    }

    int lineCount() {
        return lineStarts.length;
    }

    /**
     * Builds an account from checked values.
     *
     * @param idLine the line of the id, for duplicate ids
     * @param line   the line of the entry, for the other errors
     */
    Account account(String id, String name, String mfa, int mfaLine, String kind, int idLine, int line)
            throws InventoryException {
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
        return new Account(id, name, kind.isBlank() ? DEFAULT_KIND : kind, status);
    }

    private static int[] lineStarts(String text) {
        int count = 1;
        int[] starts = new int[16];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineBreak = c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'));
            if (lineBreak) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, count);
    }
}
